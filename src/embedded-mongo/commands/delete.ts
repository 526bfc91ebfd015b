import type { Doc } from '../bson/codec.ts'
import { isNumeric, toNumber } from '../bson/numbers.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { isPlainObject } from '../query/paths.ts'
import { idKeyOf } from '../storage/collection.ts'
import { collectionArg } from './context.ts'
import type { CommandContext } from './context.ts'
import { newStats, runQuery } from './query-exec.ts'
import { eachStatement, writeReply } from './write-errors.ts'

/** The `delete` command. */
export function deleteCommand(ctx: CommandContext): Doc {
  const name = collectionArg(ctx, 'delete')
  const deletes = ctx.body.deletes
  if (!Array.isArray(deletes)) throw new MongoCommandError(ErrorCode.BadValue, 'delete needs a deletes array')
  const view = ctx.view(name)
  let n = 0
  const writeErrors = eachStatement(ctx, deletes, (stmt) => {
    if (!isPlainObject(stmt))
      throw new MongoCommandError(ErrorCode.BadValue, 'delete statement must be an object')
    const limit = isNumeric(stmt.limit) ? toNumber(stmt.limit) : 0
    if (limit !== 0 && limit !== 1)
      throw new MongoCommandError(ErrorCode.BadValue, 'The limit field in delete objects must be 0 or 1')
    const victims = [...runQuery(view, { filter: stmt.q ?? {}, limit }, newStats())]
    for (const doc of victims) {
      view.remove(idKeyOf(doc._id))
      n++
    }
  })
  return writeReply({ n }, writeErrors)
}
