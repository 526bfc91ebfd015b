import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { isPlainObject } from '../query/paths.ts'
import {
  checkUpdatedDocument,
  compileUpdate,
  documentChanged,
  upsertSeed,
  withId,
} from '../query/update/apply.ts'
import type { CompiledUpdate } from '../query/update/apply.ts'
import { idKeyOf } from '../storage/collection.ts'
import type { CollectionView } from '../storage/views.ts'
import { collectionArg } from './context.ts'
import type { CommandContext } from './context.ts'
import { checkStorable } from './insert.ts'
import { newStats, runQuery } from './query-exec.ts'
import { eachStatement, writeReply } from './write-errors.ts'

/** Outcome of one update statement. */
export interface UpdateOutcome {
  matched: number
  modified: number
  upsertedId?: unknown
  /** The updated (or upserted) documents, before and after. */
  last?: { before: Doc | null; after: Doc }
}

/** Builds the document an upsert inserts. */
export function buildUpsert(filter: unknown, update: CompiledUpdate, raw: unknown): Doc {
  const seed = upsertSeed(filter)
  let doc: Doc
  if (update.kind === 'replacement') {
    doc = update.apply({}, filter, true)
    if (!('_id' in doc) && '_id' in seed) doc = { _id: seed._id, ...doc }
  } else doc = update.apply(seed, filter, true)
  void raw
  const out = withId(doc)
  checkStorable(out)
  return out
}

/** Applies one update statement through a view. */
export function applyUpdate(
  view: CollectionView,
  filter: unknown,
  update: CompiledUpdate,
  opts: { multi: boolean; upsert: boolean; sort?: unknown; raw?: unknown },
): UpdateOutcome {
  if (opts.multi && update.kind === 'replacement') {
    throw new MongoCommandError(
      ErrorCode.FailedToParse,
      'multi update is not supported for replacement-style update',
    )
  }
  const matches = [...runQuery(view, { filter, sort: opts.sort, limit: opts.multi ? 0 : 1 }, newStats())]
  const outcome: UpdateOutcome = { matched: 0, modified: 0 }
  for (const before of matches) {
    const after = update.apply(before, filter, false)
    checkUpdatedDocument(before, after)
    outcome.matched++
    if (documentChanged(before, after)) {
      checkStorable(after)
      view.replace(idKeyOf(before._id), after)
      outcome.modified++
    }
    outcome.last = { before, after }
  }
  if (matches.length === 0 && opts.upsert) {
    const doc = buildUpsert(filter, update, opts.raw)
    view.insert(doc)
    outcome.upsertedId = doc._id
    outcome.last = { before: null, after: doc }
  }
  return outcome
}

/** The `update` command. */
export function updateCommand(ctx: CommandContext): Doc {
  const name = collectionArg(ctx, 'update')
  const updates = ctx.body.updates
  if (!Array.isArray(updates))
    throw new MongoCommandError(ErrorCode.BadValue, 'update needs an updates array')
  const view = ctx.view(name)
  let n = 0
  let nModified = 0
  const upserted: Doc[] = []
  const writeErrors = eachStatement(ctx, updates, (stmt, i) => {
    if (!isPlainObject(stmt))
      throw new MongoCommandError(ErrorCode.BadValue, 'update statement must be an object')
    const compiled = compileUpdate(stmt.u, stmt.arrayFilters)
    const r = applyUpdate(view, stmt.q ?? {}, compiled, {
      multi: stmt.multi === true,
      upsert: stmt.upsert === true,
      sort: stmt.sort,
    })
    n += r.matched
    nModified += r.modified
    if (r.upsertedId !== undefined) {
      n++
      upserted.push({ index: i, _id: r.upsertedId })
    }
  })
  const fields: Doc = { n, nModified }
  if (upserted.length) fields.upserted = upserted
  return writeReply(fields, writeErrors)
}
