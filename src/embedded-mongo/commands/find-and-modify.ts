import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { compileProjection } from '../query/projection.ts'
import { compileUpdate } from '../query/update/apply.ts'
import { idKeyOf } from '../storage/collection.ts'
import { collectionArg, docOption } from './context.ts'
import type { CommandContext } from './context.ts'
import { findFirst } from './query-exec.ts'
import { applyUpdate } from './update.ts'

/** The `findAndModify` command (findOneAndUpdate / findOneAndReplace / findOneAndDelete). */
export function findAndModifyCommand(ctx: CommandContext): Doc {
  const name = collectionArg(ctx, 'findAndModify')
  const body = ctx.body
  const filter = docOption(body, 'query') ?? {}
  const sort = docOption(body, 'sort')
  const projector = compileProjection(docOption(body, 'fields'), filter)
  const view = ctx.view(name)
  const project = (d: Doc | null | undefined): Doc | null => (d ? (projector ? projector(d) : d) : null)
  if (body.remove === true) {
    if (body.update !== undefined)
      throw new MongoCommandError(ErrorCode.FailedToParse, 'Cannot specify both an update and remove=true')
    if (body.new === true)
      throw new MongoCommandError(ErrorCode.FailedToParse, 'Cannot specify both new=true and remove=true')
    const doc = findFirst(view, filter, sort)
    if (doc) view.remove(idKeyOf(doc._id))
    return { lastErrorObject: { n: doc ? 1 : 0 }, value: project(doc), ok: 1 }
  }
  if (body.update === undefined)
    throw new MongoCommandError(ErrorCode.FailedToParse, 'Either an update or remove=true must be specified')
  const update = compileUpdate(body.update, body.arrayFilters)
  const r = applyUpdate(view, filter, update, { multi: false, upsert: body.upsert === true, sort })
  const lastErrorObject: Doc = {
    n: r.matched + (r.upsertedId !== undefined ? 1 : 0),
    updatedExisting: r.matched > 0,
  }
  if (r.upsertedId !== undefined) lastErrorObject.upserted = r.upsertedId
  const value = body.new === true ? (r.last?.after ?? null) : (r.last?.before ?? null)
  return { lastErrorObject, value: project(value), ok: 1 }
}
