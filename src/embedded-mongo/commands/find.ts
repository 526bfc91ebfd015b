import { Long } from 'bson'
import type { Doc } from '../bson/codec.ts'
import { isNumeric, toNumber } from '../bson/numbers.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { collectionArg, docOption, intOption } from './context.ts'
import type { CommandContext } from './context.ts'
import { newStats, runQuery } from './query-exec.ts'

/** The `find` command. */
export function findCommand(ctx: CommandContext): Doc {
  const name = collectionArg(ctx, 'find')
  const body = ctx.body
  let limit = 0
  let singleBatch = body.singleBatch === true
  if (body.limit !== undefined && body.limit !== null) {
    if (!isNumeric(body.limit))
      throw new MongoCommandError(ErrorCode.TypeMismatch, "Field 'limit' should be a number")
    limit = toNumber(body.limit)
    if (limit < 0) {
      limit = -limit
      singleBatch = true
    }
  }
  const batchSize = body.batchSize === undefined ? undefined : intOption(body, 'batchSize', 101)
  const docs = runQuery(
    ctx.view(name),
    {
      filter: docOption(body, 'filter') ?? {},
      sort: docOption(body, 'sort'),
      projection: docOption(body, 'projection'),
      skip: intOption(body, 'skip', 0),
      limit,
    },
    newStats(),
  )
  const firstBatchSize =
    limit > 0 && (batchSize === undefined || batchSize > limit)
      ? Math.min(limit, batchSize ?? 101)
      : batchSize
  return ctx.state.cursors.firstBatch(`${ctx.db}.${name}`, docs, firstBatchSize, singleBatch, ctx.lsidKey)
}

function cursorIdOf(v: unknown): bigint {
  if (typeof v === 'number') return BigInt(v)
  if (v && typeof (v as Long).toBigInt === 'function') return (v as Long).toBigInt()
  throw new MongoCommandError(ErrorCode.TypeMismatch, 'cursor id must be a long')
}

/** The `getMore` command. */
export function getMoreCommand(ctx: CommandContext): Doc {
  const id = cursorIdOf(ctx.body.getMore)
  const coll = ctx.body.collection
  if (typeof coll !== 'string')
    throw new MongoCommandError(ErrorCode.TypeMismatch, 'getMore needs a collection name')
  const batchSize =
    ctx.body.batchSize === undefined ? undefined : intOption(ctx.body, 'batchSize', 0) || undefined
  return ctx.state.cursors.getMore(id, `${ctx.db}.${coll}`, batchSize)
}

/** The `killCursors` command. */
export function killCursorsCommand(ctx: CommandContext): Doc {
  const ids = ctx.body.cursors
  if (!Array.isArray(ids))
    throw new MongoCommandError(ErrorCode.BadValue, 'killCursors needs a cursors array')
  const { killed, notFound } = ctx.state.cursors.kill(ids.map(cursorIdOf))
  return {
    cursorsKilled: killed.map((x) => Long.fromBigInt(x)),
    cursorsNotFound: notFound.map((x) => Long.fromBigInt(x)),
    cursorsAlive: [],
    cursorsUnknown: [],
    ok: 1,
  }
}
