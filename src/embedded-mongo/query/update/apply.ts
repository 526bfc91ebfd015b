import { ObjectId } from 'bson'
import type { Doc } from '../../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../../errors.ts'
import { isOperatorObject } from '../matcher.ts'
import type { Predicate } from '../matcher.ts'
import { isPlainObject, splitPath } from '../paths.ts'
import { cloneDeep, strictEqual } from './clone.ts'
import { OPERATORS } from './operators.ts'
import { compileArrayFilters, expandPositional, locate, readSlot, writeSlot } from './paths.ts'
import type { PositionalContext } from './paths.ts'

/** Runs an aggregation-pipeline-style update on one document (injected to avoid an import cycle). */
export type PipelineRunner = (doc: Doc, stages: unknown[]) => Doc

/** A parsed update: a replacement document, operators, or an aggregation pipeline. */
export interface CompiledUpdate {
  kind: 'replacement' | 'operators' | 'pipeline'
  /**
   * Produces the updated copy of `doc` (the input is never mutated). `isInsert` enables
   * `$setOnInsert`. `filter` resolves the positional `$`.
   */
  apply(doc: Doc, filter: unknown, isInsert: boolean): Doc
}

let pipelineRunner: PipelineRunner | null = null

/** Registers the aggregation engine used for pipeline updates. */
export function setPipelineRunner(runner: PipelineRunner): void {
  pipelineRunner = runner
}

function conflict(a: string, b: string): MongoCommandError {
  return new MongoCommandError(
    ErrorCode.ConflictingUpdateOperators,
    `Updating the path '${b}' would create a conflict at '${a}'`,
  )
}

function checkConflicts(paths: string[]): void {
  const sorted = paths
    .map((p) =>
      p
        .split('.')
        .filter((x) => !x.startsWith('$'))
        .join('.'),
    )
    .sort()
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1] as string
    const b = sorted[i] as string
    if (a === b || b.startsWith(a + '.')) throw conflict(a, b)
  }
}

/** Parses an update document or pipeline. */
export function compileUpdate(update: unknown, arrayFiltersSpec?: unknown): CompiledUpdate {
  if (Array.isArray(update)) {
    const stages = update
    return {
      kind: 'pipeline',
      apply(doc) {
        if (!pipelineRunner)
          throw new MongoCommandError(ErrorCode.InternalError, 'pipeline updates unavailable')
        const out = pipelineRunner(doc, stages)
        return out
      },
    }
  }
  if (!isPlainObject(update))
    throw new MongoCommandError(
      ErrorCode.FailedToParse,
      'Update argument must be either an object or an array',
    )
  const keys = Object.keys(update)
  if (keys.length === 0 || !keys.some((k) => k.startsWith('$'))) {
    for (const k of keys) {
      if (k.startsWith('$'))
        throw new MongoCommandError(
          ErrorCode.DollarPrefixedFieldName,
          `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in the context of an update's replacement document.`,
        )
    }
    return {
      kind: 'replacement',
      apply(doc) {
        const out: Doc = {}
        if ('_id' in doc) out._id = doc._id
        for (const k of keys) if (k !== '_id' || !('_id' in doc)) out[k] = cloneDeep(update[k])
        return out
      },
    }
  }
  const arrayFilters: Map<string, Predicate> = compileArrayFilters(arrayFiltersSpec)
  const ops: { op: string; entries: [string, string[], unknown][] }[] = []
  const allPaths: string[] = []
  for (const op of keys) {
    const arg = update[op]
    if (!op.startsWith('$'))
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      )
    if (op !== '$rename' && op !== '$setOnInsert' && !OPERATORS[op]) {
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      )
    }
    if (!isPlainObject(arg))
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        `Modifiers operate on fields but we found type ${typeof arg} instead.`,
      )
    const entries: [string, string[], unknown][] = []
    for (const [path, v] of Object.entries(arg)) {
      if (path === '') throw new MongoCommandError(ErrorCode.BadValue, 'An empty update path is not valid.')
      entries.push([path, splitPath(path), v])
      allPaths.push(path)
      if (op === '$rename') {
        if (typeof v !== 'string')
          throw new MongoCommandError(
            ErrorCode.BadValue,
            `The 'to' field for $rename must be a string: ${path}: ${String(v)}`,
          )
        allPaths.push(v)
      }
    }
    ops.push({ op, entries })
  }
  checkConflicts(allPaths)
  return {
    kind: 'operators',
    apply(doc, filter, isInsert) {
      const out = cloneDeep(doc)
      const ctx: PositionalContext = { filter, arrayFilters, root: out }
      for (const { op, entries } of ops) {
        if (op === '$setOnInsert' && !isInsert) continue
        for (const [path, parts, arg] of entries) {
          if (op === '$rename') {
            rename(out, parts, arg as string)
            continue
          }
          const fn = op === '$setOnInsert' ? OPERATORS.$set : OPERATORS[op]
          for (const concrete of expandPositional(parts, ctx)) fn?.(out, concrete, arg, path)
        }
      }
      return out
    },
  }
}

function rename(doc: Doc, from: string[], to: string): void {
  const src = locate(doc, from, false)
  if (!src || Array.isArray(src.container)) return
  const value = readSlot(src)
  if (value === undefined) return
  delete src.container[src.key]
  const dst = locate(doc, splitPath(to), true)
  if (!dst) return
  writeSlot(dst, value, to)
}

/** Checks the result of an update: `_id` may not change and stored field names are validated. */
export function checkUpdatedDocument(before: Doc, after: Doc): void {
  if ('_id' in before && !strictEqual(before._id, after._id)) {
    throw new MongoCommandError(
      ErrorCode.ImmutableField,
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    )
  }
}

/** True when two versions of a document differ (types included). */
export function documentChanged(before: Doc, after: Doc): boolean {
  return !strictEqual(before, after)
}

/** Builds the seed of an upserted document from the equality conditions of the filter. */
export function upsertSeed(filter: unknown): Doc {
  const seed: Doc = {}
  const visit = (f: unknown): void => {
    if (!isPlainObject(f)) return
    for (const [key, spec] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(spec)) spec.forEach(visit)
      if (key.startsWith('$')) continue
      let value: unknown
      if (isOperatorObject(spec)) {
        if (!('$eq' in spec)) continue
        value = spec.$eq
      } else value = spec
      const slot = locate(seed, splitPath(key), true)
      if (slot) writeSlot(slot, cloneDeep(value), key)
    }
  }
  visit(filter)
  return seed
}

/** Puts `_id` first, generating an ObjectId when missing (as mongod does on insert). */
export function withId(doc: Doc): Doc {
  if ('_id' in doc) {
    if (Object.keys(doc)[0] === '_id') return doc
    const { _id, ...rest } = doc
    return { _id, ...rest }
  }
  return { _id: new ObjectId(), ...doc }
}
