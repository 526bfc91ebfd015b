import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { isPlainObject } from '../query/paths.ts'
import { withId } from '../query/update/apply.ts'
import { collectionArg } from './context.ts'
import type { CommandContext } from './context.ts'
import { eachStatement, writeReply } from './write-errors.ts'

/** Rejects field names mongod refuses to store at the top level. */
export function checkStorable(doc: Doc): void {
  for (const key of Object.keys(doc)) {
    if (key.startsWith('$')) {
      throw new MongoCommandError(
        ErrorCode.DollarPrefixedFieldName,
        `Document can't have $ prefixed field names: ${key}`,
      )
    }
  }
  if (Array.isArray(doc._id)) throw new MongoCommandError(ErrorCode.BadValue, "can't use an array for _id")
  if (doc._id instanceof RegExp) throw new MongoCommandError(ErrorCode.BadValue, "can't use a regex for _id")
}

/** The `insert` command. */
export function insertCommand(ctx: CommandContext): Doc {
  const name = collectionArg(ctx, 'insert')
  const docs = ctx.body.documents
  if (!Array.isArray(docs)) throw new MongoCommandError(ErrorCode.BadValue, 'insert needs a documents array')
  const view = ctx.view(name)
  let n = 0
  const writeErrors = eachStatement(ctx, docs, (raw) => {
    if (!isPlainObject(raw))
      throw new MongoCommandError(ErrorCode.BadValue, 'document to insert must be an object')
    checkStorable(raw)
    view.insert(withId(raw))
    n++
  })
  return writeReply({ n }, writeErrors)
}
