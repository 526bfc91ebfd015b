import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { isPlainObject } from '../query/paths.ts'
import type { IndexSpec } from '../storage/index-store.ts'
import { collectionArg } from './context.ts'
import type { CommandContext, CommandHandler } from './context.ts'

/** The default index name for a key pattern (`a_1_b_-1`). */
export function defaultIndexName(key: Record<string, unknown>): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join('_')
}

const createIndexes: CommandHandler = (ctx: CommandContext) => {
  const name = collectionArg(ctx, 'createIndexes')
  const specs = ctx.body.indexes
  if (!Array.isArray(specs) || specs.length === 0)
    throw new MongoCommandError(ErrorCode.BadValue, 'Must specify at least one index to create')
  const engine = ctx.state.engine
  const existed = engine.getCollection(ctx.db, name)
  const coll = existed ?? engine.createCollection(ctx.unit, ctx.db, name)
  const before = coll.indexes.size
  for (const raw of specs) {
    if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
      throw new MongoCommandError(ErrorCode.FailedToParse, "The 'key' field must be a non-empty object")
    }
    const spec: IndexSpec = {
      v: 2,
      ...raw,
      key: raw.key,
      name: typeof raw.name === 'string' ? raw.name : defaultIndexName(raw.key),
    }
    delete spec.background
    delete spec.ns
    engine.createIndex(ctx.unit, coll, spec)
  }
  const reply: Doc = {
    numIndexesBefore: before,
    numIndexesAfter: coll.indexes.size,
    createdCollectionAutomatically: !existed,
    ok: 1,
  }
  if (coll.indexes.size === before) reply.note = 'all indexes already exist'
  return reply
}

const listIndexes: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'listIndexes')
  const coll = ctx.state.engine.getCollection(ctx.db, name)
  if (!coll) throw new MongoCommandError(ErrorCode.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`)
  const specs = [...coll.indexes.values()].map((ix) => ix.spec as Doc)
  return ctx.state.cursors.firstBatch(`${ctx.db}.${name}`, specs, undefined, false, ctx.lsidKey)
}

const dropIndexes: CommandHandler = (ctx) => {
  const name = collectionArg(ctx, 'dropIndexes')
  const engine = ctx.state.engine
  const coll = engine.getCollection(ctx.db, name)
  if (!coll) throw new MongoCommandError(ErrorCode.NamespaceNotFound, `ns not found ${ctx.db}.${name}`)
  const nIndexesWas = coll.indexes.size
  const target = ctx.body.index
  const names: string[] = []
  if (target === '*') names.push(...[...coll.indexes.keys()].filter((n) => n !== '_id_'))
  else if (typeof target === 'string') names.push(target)
  else if (Array.isArray(target)) names.push(...target.map(String))
  else if (isPlainObject(target)) {
    const found = [...coll.indexes.values()].find(
      (ix) => JSON.stringify(ix.spec.key) === JSON.stringify(target),
    )
    if (!found)
      throw new MongoCommandError(
        ErrorCode.IndexNotFound,
        `can't find index with key: ${JSON.stringify(target)}`,
      )
    names.push(found.name)
  } else
    throw new MongoCommandError(ErrorCode.BadValue, 'dropIndexes needs an index name, key pattern or "*"')
  for (const n of names) engine.dropIndex(ctx.unit, coll, n)
  return { nIndexesWas, ok: 1 }
}

/** Index management commands. */
export const indexCommands: Record<string, CommandHandler> = {
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
}
