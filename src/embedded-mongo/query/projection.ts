import { badValue, ErrorCode, MongoCommandError } from '../errors.ts'
import { evaluateExpression, validateExpression } from '../aggregate/expression.ts'
import { compileFilter, isOperatorObject } from './matcher.ts'
import { isPlainObject } from './paths.ts'
import { firstMatchingIndex } from './positional.ts'
import { isNumeric, toNumber } from '../bson/numbers.ts'
import type { Doc } from '../bson/codec.ts'

type Node =
  | { kind: 'tree'; children: Map<string, Node> }
  | { kind: 'keep' }
  | { kind: 'op'; apply: OpFn }
  | { kind: 'expr'; expr: unknown }
type OpFn = (value: unknown, doc: Doc) => unknown

/** A compiled find projection. */
export type Projector = (doc: Doc, variables?: Record<string, unknown>) => Doc

function isFlag(v: unknown): boolean {
  return typeof v === 'boolean' || isNumeric(v)
}

/** Flattens nested projection documents (`{a: {b: 1}}` → `{'a.b': 1}`); operator objects stay whole. */
function flatten(
  spec: Record<string, unknown>,
  prefix = '',
  out: [string, unknown][] = [],
): [string, unknown][] {
  for (const [k, v] of Object.entries(spec)) {
    const path = prefix + k
    if (isPlainObject(v) && !isOperatorObject(v) && Object.keys(v).length > 0) flatten(v, path + '.', out)
    else out.push([path, v])
  }
  return out
}

/**
 * Compiles a projection. In `find` mode `$slice`, `$elemMatch` and `a.$` are projection operators;
 * in `aggregate` mode ($project) every operator object is an expression. `filter` serves `a.$`.
 */
export function compileProjection(
  spec: unknown,
  filter?: unknown,
  mode: 'find' | 'aggregate' = 'find',
): Projector | null {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0) return null
  let inclusion: boolean | null = null
  let idFlag: boolean | null = null
  let elemMatchSeen = false
  const root: Node = { kind: 'tree', children: new Map() }
  for (const [path, value] of flatten(spec)) {
    let node: Node
    if (isFlag(value)) {
      const on = typeof value === 'boolean' ? value : toNumber(value) !== 0
      if (path === '_id') {
        idFlag = on
        if (on) insert(root, path, { kind: 'keep' })
        continue
      }
      if (inclusion !== null && inclusion !== on) {
        const what = on ? 'inclusion' : 'exclusion'
        throw new MongoCommandError(
          ErrorCode.Location31254,
          `Cannot do ${what} on field ${path} in ${on ? 'exclusion' : 'inclusion'} projection`,
        )
      }
      inclusion = on
      node = { kind: 'keep' }
      if (path.endsWith('.$')) {
        const arrayPath = path.slice(0, -2)
        insert(root, arrayPath, { kind: 'op', apply: positional(arrayPath, filter) })
        continue
      }
    } else if (mode === 'find' && isOperatorObject(value) && '$slice' in value) {
      node = { kind: 'op', apply: slicer(value.$slice) }
    } else if (mode === 'find' && isOperatorObject(value) && '$elemMatch' in value) {
      node = { kind: 'op', apply: elemMatcher(value.$elemMatch) }
      elemMatchSeen = true
    } else {
      if (inclusion === false)
        throw new MongoCommandError(
          ErrorCode.Location31254,
          `Cannot use expression ${path} in exclusion projection`,
        )
      inclusion = true
      validateExpression(value)
      node = { kind: 'expr', expr: value }
    }
    insert(root, path, node)
  }
  // Only `_id: 1` or an `$elemMatch` projection (without exclusions) also select inclusion mode.
  const include = inclusion === true || (inclusion === null && (idFlag === true || elemMatchSeen))
  const dropId = idFlag === false
  return (doc, variables) => {
    const out = include ? applyInclusion(doc, root, doc, variables) : applyExclusion(doc, root, doc)
    if (include && !dropId && '_id' in doc && !('_id' in out)) return { _id: doc._id, ...out }
    if (dropId) delete out._id
    return out
  }
}

function insert(root: Node, path: string, leaf: Node): void {
  const parts = path.split('.')
  let node = root
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string
    if (node.kind !== 'tree') throw badValue(`Path collision at ${path}`)
    if (i === parts.length - 1) {
      if (node.children.has(part)) throw badValue(`Path collision at ${path}`)
      node.children.set(part, leaf)
      return
    }
    let next = node.children.get(part)
    if (!next) {
      next = { kind: 'tree', children: new Map() }
      node.children.set(part, next)
    }
    node = next
  }
}

function applyInclusion(
  obj: Record<string, unknown>,
  node: Node & { kind: 'tree' },
  root: Doc,
  vars?: Record<string, unknown>,
): Doc {
  const out: Doc = {}
  if (node.children.has('_id') && '_id' in obj) out._id = obj._id
  for (const key of Object.keys(obj)) {
    const child = node.children.get(key)
    if (!child || child.kind === 'expr') continue
    const v = obj[key]
    if (child.kind === 'keep') out[key] = v
    else if (child.kind === 'op') {
      const r = child.apply(v, root)
      if (r !== undefined) out[key] = r
    } else {
      const sub = includeValue(v, child, root, vars)
      if (sub !== undefined) out[key] = sub
    }
  }
  for (const [key, child] of node.children) {
    if (child.kind === 'expr') {
      const value = evaluateExpression(root, child.expr, vars)
      if (value !== undefined) out[key] = value
    } else if (child.kind === 'tree' && !(key in obj) && hasExpr(child))
      out[key] = applyInclusion({}, child, root, vars)
  }
  return out
}

function hasExpr(node: Node): boolean {
  return node.kind === 'expr' || (node.kind === 'tree' && [...node.children.values()].some(hasExpr))
}

function includeValue(
  v: unknown,
  node: Node & { kind: 'tree' },
  root: Doc,
  vars?: Record<string, unknown>,
): unknown {
  if (isPlainObject(v)) return applyInclusion(v, node, root, vars)
  if (Array.isArray(v)) {
    const out: unknown[] = []
    for (const el of v) {
      const sub = includeValue(el, node, root, vars)
      if (sub !== undefined) out.push(sub)
    }
    return out
  }
  return undefined
}

function applyExclusion(obj: Record<string, unknown>, node: Node & { kind: 'tree' }, root: Doc): Doc {
  const out: Doc = {}
  for (const key of Object.keys(obj)) {
    const child = node.children.get(key)
    const v = obj[key]
    if (!child) out[key] = v
    else if (child.kind === 'op') {
      const r = child.apply(v, root)
      if (r !== undefined) out[key] = r
    } else if (child.kind === 'tree') out[key] = excludeValue(v, child, root)
  }
  return out
}

function excludeValue(v: unknown, node: Node & { kind: 'tree' }, root: Doc): unknown {
  if (isPlainObject(v)) return applyExclusion(v, node, root)
  if (Array.isArray(v)) return v.map((el) => excludeValue(el, node, root))
  return v
}

function slicer(arg: unknown): OpFn {
  let skip = 0
  let limit: number
  if (Array.isArray(arg)) {
    skip = toNumber(arg[0])
    limit = toNumber(arg[1])
    if (limit <= 0) throw badValue('$slice limit must be positive')
  } else if (isNumeric(arg)) limit = toNumber(arg)
  else throw badValue('$slice only supports numbers and [skip, limit] arrays')
  return (v) => {
    if (!Array.isArray(v)) return v
    if (Array.isArray(arg)) {
      const start = skip < 0 ? Math.max(0, v.length + skip) : skip
      return v.slice(start, start + limit)
    }
    return limit >= 0 ? v.slice(0, limit) : v.slice(Math.max(0, v.length + limit))
  }
}

function elemMatcher(arg: unknown): OpFn {
  const p = isOperatorObject(arg) ? compileFilter({ v: arg }) : compileFilter(arg)
  const test = isOperatorObject(arg)
    ? (el: unknown) => p({ v: el })
    : (el: unknown) => isPlainObject(el) && p(el)
  return (v) => {
    if (!Array.isArray(v)) return undefined
    const hit = v.find(test)
    return hit === undefined ? undefined : [hit]
  }
}

function positional(arrayPath: string, filter: unknown): OpFn {
  return (v, doc) => {
    if (!Array.isArray(v)) return v
    const i = firstMatchingIndex(doc, arrayPath, filter)
    if (i < 0)
      throw badValue('Executor error during find command :: caused by :: positional operator did not match')
    return [v[i]]
  }
}
