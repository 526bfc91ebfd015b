import type { Doc } from '../bson/codec.ts'
import { compareValues, valueKey } from '../bson/compare.ts'
import { runPipeline } from '../aggregate/pipeline.ts'
import type { PipelineEnv } from '../aggregate/pipeline.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { collectPathValues, isPlainObject, MISSING, splitPath } from '../query/paths.ts'
import { withId } from '../query/update/apply.ts'
import { idKeyOf } from '../storage/collection.ts'
import { collectionArg, docOption, intOption } from './context.ts'
import type { CommandContext } from './context.ts'
import { newStats, runQuery } from './query-exec.ts'

/** A pipeline environment reading collections of the command's database (through its transaction). */
export function pipelineEnv(ctx: CommandContext, variables?: Record<string, unknown>): PipelineEnv {
  return {
    query: (coll, filter) => [...runQuery(ctx.view(coll), { filter }, newStats())],
    ...(variables ? { variables } : {}),
  }
}

function writeOut(ctx: CommandContext, stage: Doc, docs: Doc[]): void {
  if ('$out' in stage) {
    const target = typeof stage.$out === 'string' ? stage.$out : (stage.$out as Doc)?.coll
    if (typeof target !== 'string')
      throw new MongoCommandError(ErrorCode.BadValue, '$out needs a collection name')
    const view = ctx.view(target)
    for (const d of [...view.all()]) view.remove(idKeyOf(d._id))
    for (const d of docs) view.insert(withId(d))
    return
  }
  const spec = typeof stage.$merge === 'string' ? { into: stage.$merge } : (stage.$merge as Doc)
  const into = typeof spec.into === 'string' ? spec.into : (spec.into as Doc)?.coll
  if (typeof into !== 'string')
    throw new MongoCommandError(ErrorCode.BadValue, '$merge needs a target collection')
  const view = ctx.view(into)
  for (const raw of docs) {
    const d = withId(raw)
    const existing = view.get(idKeyOf(d._id))
    if (!existing) {
      if (spec.whenNotMatched !== 'discard') view.insert(d)
    } else if (spec.whenMatched === 'replace') view.replace(idKeyOf(d._id), d)
    else if (spec.whenMatched !== 'keepExisting') view.replace(idKeyOf(d._id), { ...existing, ...d })
  }
}

/** Recognises `[$skip?, $limit?, $group: {_id: <const>, n: {$sum: 1}}]` (after a leading $match). */
function countShape(stages: unknown[]): { skip: number; limit: number; id: unknown; field: string } | null {
  let skip = 0
  let limit = 0
  let i = 0
  for (; i < stages.length - 1; i++) {
    const st = stages[i]
    if (isPlainObject(st) && typeof st.$skip === 'number' && limit === 0) skip = st.$skip
    else if (isPlainObject(st) && typeof st.$limit === 'number' && limit === 0) limit = st.$limit
    else return null
  }
  const group = stages[i]
  if (!isPlainObject(group) || !isPlainObject(group.$group)) return null
  const entries = Object.entries(group.$group)
  if (entries.length !== 2 || entries[0]?.[0] !== '_id') return null
  const id = entries[0][1]
  if (typeof id === 'string' || isPlainObject(id) || Array.isArray(id)) return null
  const [field, acc] = entries[1] as [string, unknown]
  if (!isPlainObject(acc) || Object.keys(acc).length !== 1 || acc.$sum !== 1) return null
  return { skip, limit, id, field }
}

/** The `aggregate` command. */
export function aggregateCommand(ctx: CommandContext): Doc {
  const body = ctx.body
  const pipeline = body.pipeline
  if (!Array.isArray(pipeline))
    throw new MongoCommandError(ErrorCode.TypeMismatch, "'pipeline' option must be specified as an array")
  if (typeof body.aggregate !== 'string') {
    throw new MongoCommandError(ErrorCode.InvalidNamespace, 'collection-less aggregate is not supported')
  }
  const name = collectionArg(ctx, 'aggregate')
  const cursorOpt = docOption(body, 'cursor')
  if (!cursorOpt && body.explain !== true) {
    throw new MongoCommandError(
      ErrorCode.FailedToParse,
      "The 'cursor' option is required, except for aggregate with the explain argument",
    )
  }
  let stages = pipeline as unknown[]
  let filter: unknown = {}
  const first = stages[0]
  if (isPlainObject(first) && '$match' in first) {
    filter = first.$match
    stages = stages.slice(1)
  }
  const last = stages[stages.length - 1]
  const output = isPlainObject(last) && ('$out' in last || '$merge' in last) ? last : null
  if (output) stages = stages.slice(0, -1)
  const variables = docOption(body, 'let')
  const counted = countShape(stages)
  if (counted && !output) {
    // The driver's countDocuments: [$match, ($skip), ($limit), $group {_id: 1, n: {$sum: 1}}].
    let n = 0
    for (const _ of runQuery(
      ctx.view(name),
      { filter, skip: counted.skip, limit: counted.limit },
      newStats(),
    ))
      n++
    const rows = n > 0 ? [{ _id: counted.id, [counted.field]: n }] : []
    return ctx.state.cursors.firstBatch(`${ctx.db}.${name}`, rows, undefined, false, ctx.lsidKey)
  }
  // Push a leading $sort (+ $skip/$limit) into the query so indexes and top-k selection apply.
  let sort: unknown
  let skip = 0
  let limit = 0
  const head = stages[0]
  if (isPlainObject(head) && isPlainObject(head.$sort)) {
    sort = head.$sort
    stages = stages.slice(1)
    for (;;) {
      const next = stages[0]
      if (isPlainObject(next) && typeof next.$skip === 'number' && limit === 0 && skip === 0)
        skip = next.$skip
      else if (isPlainObject(next) && typeof next.$limit === 'number' && limit === 0) limit = next.$limit
      else break
      stages = stages.slice(1)
    }
  }
  const input = [...runQuery(ctx.view(name), { filter, sort, skip, limit }, newStats())]
  const result = runPipeline(input, stages, pipelineEnv(ctx, variables))
  if (output) {
    writeOut(ctx, output, result)
    return { cursor: { firstBatch: [], id: 0n, ns: `${ctx.db}.${name}` }, ok: 1 }
  }
  const batchSize =
    cursorOpt && cursorOpt.batchSize !== undefined ? intOption(cursorOpt, 'batchSize', 101) : undefined
  return ctx.state.cursors.firstBatch(`${ctx.db}.${name}`, result, batchSize, false, ctx.lsidKey)
}

/** The `count` command. */
export function countCommand(ctx: CommandContext): Doc {
  const name = collectionArg(ctx, 'count')
  const skip = intOption(ctx.body, 'skip', 0)
  const limit = Math.abs(intOption(ctx.body, 'limit', 0))
  const query = docOption(ctx.body, 'query')
  if (!ctx.txn && skip === 0 && limit === 0 && (!query || Object.keys(query).length === 0)) {
    return { n: ctx.view(name).collection()?.docs.size ?? 0, ok: 1 }
  }
  let n = 0
  for (const _ of runQuery(
    ctx.view(name),
    { filter: docOption(ctx.body, 'query') ?? {}, skip, limit },
    newStats(),
  ))
    n++
  return { n, ok: 1 }
}

/** The `distinct` command. */
export function distinctCommand(ctx: CommandContext): Doc {
  const name = collectionArg(ctx, 'distinct')
  const key = ctx.body.key
  if (typeof key !== 'string') throw new MongoCommandError(ErrorCode.TypeMismatch, "'key' must be a string")
  const parts = splitPath(key)
  const seen = new Map<string, unknown>()
  for (const doc of runQuery(ctx.view(name), { filter: docOption(ctx.body, 'query') ?? {} }, newStats())) {
    const values: unknown[] = []
    collectPathValues(doc, parts, values)
    for (const v of values.flatMap((x) => (Array.isArray(x) ? x : [x]))) {
      if (v === MISSING) continue
      const k = valueKey(v)
      if (!seen.has(k)) seen.set(k, v)
    }
  }
  return { values: [...seen.values()].sort(compareValues), ok: 1 }
}
