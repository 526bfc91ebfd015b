import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { isPlainObject } from '../query/paths.ts'
import type { CommandHandler } from './context.ts'
import { newStats, runQuery } from './query-exec.ts'

/**
 * `explain` for find, count, delete, update and aggregate (leading $match): runs the query and
 * reports the plan and how many index keys and documents it examined.
 */
export const explainCommand: CommandHandler = (ctx) => {
  const inner = ctx.body.explain
  if (!isPlainObject(inner))
    throw new MongoCommandError(ErrorCode.BadValue, 'explain needs a command document')
  const name = Object.keys(inner)[0]
  const coll = name ? inner[name] : undefined
  if (typeof coll !== 'string')
    throw new MongoCommandError(ErrorCode.BadValue, 'explain needs a collection command')
  let filter: unknown = {}
  let sort: unknown
  let limit = 0
  if (name === 'find') {
    filter = inner.filter ?? {}
    sort = inner.sort
    limit = typeof inner.limit === 'number' ? Math.abs(inner.limit) : 0
  } else if (name === 'count' || name === 'distinct') filter = inner.query ?? {}
  else if (name === 'aggregate') {
    const first = Array.isArray(inner.pipeline) ? inner.pipeline[0] : undefined
    if (isPlainObject(first) && '$match' in first) filter = first.$match
  } else if (name === 'delete' || name === 'update') {
    const stmt = ((inner.deletes ?? inner.updates) as unknown[] | undefined)?.[0]
    filter = isPlainObject(stmt) ? (stmt.q ?? {}) : {}
  } else if (name === 'findAndModify') filter = inner.query ?? {}
  else throw new MongoCommandError(ErrorCode.BadValue, `explain is not supported for ${name}`)
  const stats = newStats()
  let nReturned = 0
  for (const _ of runQuery(ctx.view(coll), { filter, sort, limit }, stats)) nReturned++
  const [stage, indexName] = stats.plan.split(' ')
  const inputStage: Doc = stage === 'IXSCAN' ? { stage: 'IXSCAN', indexName } : { stage }
  const winningPlan: Doc = stage === 'IXSCAN' ? { stage: 'FETCH', inputStage } : inputStage
  return {
    queryPlanner: {
      namespace: `${ctx.db}.${coll}`,
      parsedQuery: filter as Doc,
      winningPlan,
      rejectedPlans: [],
    },
    executionStats: {
      executionSuccess: true,
      nReturned,
      totalKeysExamined: stats.keysExamined,
      totalDocsExamined: stats.docsExamined,
      executionStages: winningPlan,
    },
    ok: 1,
  }
}
