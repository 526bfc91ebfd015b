import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { isPlainObject, splitPath } from '../query/paths.ts'
import { compileProjection } from '../query/projection.ts'
import { cloneDeep } from '../query/update/clone.ts'
import { evaluateExpression, validateExpression } from './expression.ts'

function setField(doc: Doc, parts: string[], value: unknown): void {
  let cur: Doc = doc
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i] as string
    const next = cur[p]
    if (isPlainObject(next)) {
      const copy = { ...next }
      cur[p] = copy
      cur = copy
    } else {
      const created: Doc = {}
      cur[p] = created
      cur = created
    }
  }
  const last = parts[parts.length - 1] as string
  if (value === undefined) delete cur[last]
  else cur[last] = value
}

/** `$addFields` / `$set`: computes fields (dotted paths create sub-documents). */
export function addFieldsStage(docs: Doc[], spec: unknown, vars?: Record<string, unknown>): Doc[] {
  if (!isPlainObject(spec))
    throw new MongoCommandError(ErrorCode.Location40414, '$addFields specification stage must be an object')
  const fields = Object.entries(spec).map(([path, expr]) => [splitPath(path), expr] as const)
  for (const [, expr] of fields) validateExpression(expr)
  return docs.map((doc) => {
    const out: Doc = { ...doc }
    for (const [parts, expr] of fields) setField(out, parts, evaluateExpression(doc, expr, vars))
    return out
  })
}

/** `$unset`: removes fields. */
export function unsetStage(docs: Doc[], spec: unknown): Doc[] {
  const paths = typeof spec === 'string' ? [spec] : spec
  if (!Array.isArray(paths))
    throw new MongoCommandError(ErrorCode.Location40414, '$unset specification must be a string or an array')
  const projection = Object.fromEntries(paths.map((p) => [String(p), 0]))
  const projector = compileProjection(projection, undefined, 'aggregate')
  return projector ? docs.map((d) => projector(d)) : docs
}

/** `$project`. */
export function projectStage(docs: Doc[], spec: unknown, vars?: Record<string, unknown>): Doc[] {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0) {
    throw new MongoCommandError(ErrorCode.Location40414, '$project requires at least one output field')
  }
  const projector = compileProjection(spec, undefined, 'aggregate')
  return projector ? docs.map((d) => projector(d, vars)) : docs
}

/** `$replaceRoot` / `$replaceWith`. */
export function replaceRootStage(docs: Doc[], newRoot: unknown, vars?: Record<string, unknown>): Doc[] {
  validateExpression(newRoot)
  return docs.map((doc) => {
    const v = evaluateExpression(doc, newRoot, vars)
    if (!isPlainObject(v)) {
      throw new MongoCommandError(
        40228,
        `'newRoot' expression must evaluate to an object, but resulting value was: ${JSON.stringify(v)}`,
      )
    }
    return cloneDeep(v)
  })
}

/** `$unwind`. */
export function unwindStage(docs: Doc[], spec: unknown): Doc[] {
  const opts = typeof spec === 'string' ? { path: spec } : (spec as Record<string, unknown>)
  const path = opts?.path
  if (typeof path !== 'string' || !path.startsWith('$')) {
    throw new MongoCommandError(28650, "path option to $unwind stage should be prefixed with a '$'")
  }
  const parts = splitPath(path.slice(1))
  const indexField = typeof opts.includeArrayIndex === 'string' ? opts.includeArrayIndex : null
  const preserve = opts.preserveNullAndEmptyArrays === true
  const out: Doc[] = []
  for (const doc of docs) {
    const value = evaluateExpression(doc, path, undefined)
    if (Array.isArray(value)) {
      if (value.length === 0) {
        if (preserve) {
          const copy = { ...doc }
          setField(copy, parts, undefined)
          if (indexField) copy[indexField] = null
          out.push(copy)
        }
        continue
      }
      value.forEach((el, i) => {
        const copy = { ...doc }
        setField(copy, parts, el)
        if (indexField) copy[indexField] = i
        out.push(copy)
      })
    } else if (value === null || value === undefined) {
      if (preserve) {
        const copy = { ...doc }
        if (indexField) copy[indexField] = null
        out.push(copy)
      }
    } else {
      const copy = { ...doc }
      if (indexField) copy[indexField] = null
      out.push(copy)
    }
  }
  return out
}
