import { Lazy } from 'mingo/lazy'
import type { Doc } from '../bson/codec.ts'
import { valueKey } from '../bson/compare.ts'
import { isNumeric, toNumber } from '../bson/numbers.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { compileFilter } from '../query/matcher.ts'
import { collectPathValues, isPlainObject, MISSING, splitPath } from '../query/paths.ts'
import { parseSort, sortDocuments } from '../query/sort.ts'
import { evaluateExpression } from './expression.ts'
import { bucketStage, groupStage } from './group.ts'
import { MINGO_CONTEXT, mingoOptions } from './mingo-context.ts'
import { addFieldsStage, projectStage, replaceRootStage, unsetStage, unwindStage } from './shape.ts'

/** What a pipeline may need from the server: other collections of the same database. */
export interface PipelineEnv {
  /** Documents of a collection of the same database matching a filter (index-assisted). */
  query(collection: string, filter: Doc): Doc[]
  variables?: Record<string, unknown>
}

function count(n: unknown, stage: string): number {
  if (!isNumeric(n) || toNumber(n) < 0)
    throw new MongoCommandError(15958, `the ${stage} must be a non-negative number`)
  return Math.trunc(toNumber(n))
}

/** Runs an aggregation pipeline over documents. Input documents are never mutated. */
export function runPipeline(input: Doc[], stages: unknown[], env: PipelineEnv): Doc[] {
  let docs = input
  for (const stage of stages) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      throw new MongoCommandError(
        40323,
        'A pipeline stage specification object must contain exactly one field.',
      )
    }
    const [name, spec] = Object.entries(stage)[0] as [string, unknown]
    docs = runStage(docs, name, spec, env)
  }
  return docs
}

function runStage(docs: Doc[], name: string, spec: unknown, env: PipelineEnv): Doc[] {
  const vars = env.variables
  switch (name) {
    case '$match': {
      const pred = compileFilter(spec, vars)
      return docs.filter((d) => pred(d))
    }
    case '$sort': {
      const sort = parseSort(spec)
      if (!sort) throw new MongoCommandError(15976, '$sort stage must have at least one sort key')
      return sortDocuments(docs.slice(), sort)
    }
    case '$limit':
      return docs.slice(0, count(spec, '$limit'))
    case '$skip':
      return docs.slice(count(spec, '$skip'))
    case '$count': {
      if (typeof spec !== 'string' || spec.length === 0)
        throw new MongoCommandError(40156, 'the count field must be a non-empty string')
      return docs.length ? [{ [spec]: docs.length }] : []
    }
    case '$group':
      return groupStage(docs, spec, vars)
    case '$bucket':
      return bucketStage(docs, spec, vars)
    case '$sortByCount':
      return runPipeline(docs, [{ $group: { _id: spec, count: { $sum: 1 } } }, { $sort: { count: -1 } }], env)
    case '$project':
      return projectStage(docs, spec, vars)
    case '$addFields':
    case '$set':
      return addFieldsStage(docs, spec, vars)
    case '$unset':
      return unsetStage(docs, spec)
    case '$replaceRoot':
      return replaceRootStage(docs, (spec as Doc)?.newRoot, vars)
    case '$replaceWith':
      return replaceRootStage(docs, spec, vars)
    case '$unwind':
      return unwindStage(docs, spec)
    case '$lookup':
      return lookupStage(docs, spec, env)
    case '$facet': {
      if (!isPlainObject(spec)) throw new MongoCommandError(40169, '$facet must be an object')
      const out: Doc = {}
      for (const [field, sub] of Object.entries(spec)) {
        if (!Array.isArray(sub)) throw new MongoCommandError(40170, 'arguments to $facet must be arrays')
        out[field] = runPipeline(docs, sub, env)
      }
      return [out]
    }
    case '$unionWith': {
      const coll = typeof spec === 'string' ? spec : (spec as Doc)?.coll
      if (typeof coll !== 'string') throw new MongoCommandError(40414, '$unionWith needs a collection')
      const sub = typeof spec === 'string' ? [] : (((spec as Doc).pipeline as unknown[]) ?? [])
      return docs.concat(runPipeline(env.query(coll, {}), sub, env))
    }
    case '$sample': {
      const size = count((spec as Doc)?.size, '$sample size')
      const copy = docs.slice()
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1))
        ;[copy[i], copy[j]] = [copy[j] as Doc, copy[i] as Doc]
      }
      return copy.slice(0, size)
    }
    default:
      return mingoStage(docs, name, spec, vars)
  }
}

function mingoStage(docs: Doc[], name: string, spec: unknown, vars?: Record<string, unknown>): Doc[] {
  const op = MINGO_CONTEXT.getOperator('pipeline' as never, name) as
    ((it: ReturnType<typeof Lazy>, expr: unknown, options: unknown) => ReturnType<typeof Lazy>) | null
  if (!op || name === '$out' || name === '$merge' || name === '$documents') {
    throw new MongoCommandError(40324, `Unrecognized pipeline stage name: '${name}'`)
  }
  try {
    return op(Lazy(docs), spec, mingoOptions(vars)).collect() as Doc[]
  } catch (err) {
    throw new MongoCommandError(ErrorCode.BadValue, `${name}: ${(err as Error).message}`)
  }
}

function lookupStage(docs: Doc[], spec: unknown, env: PipelineEnv): Doc[] {
  if (!isPlainObject(spec) || typeof spec.from !== 'string' || typeof spec.as !== 'string') {
    throw new MongoCommandError(ErrorCode.FailedToParse, '$lookup requires from and as')
  }
  const { from, as, localField, foreignField } = spec
  const pipeline = Array.isArray(spec.pipeline) ? spec.pipeline : null
  const letSpec = isPlainObject(spec.let) ? spec.let : {}
  const asParts = splitPath(as)
  return docs.map((doc) => {
    let matches: Doc[]
    if (typeof localField === 'string' && typeof foreignField === 'string') {
      const values: unknown[] = []
      collectPathValues(doc, splitPath(localField), values)
      const keys: unknown[] = []
      const seen = new Set<string>()
      for (const v of values.flatMap((x) => (Array.isArray(x) ? x : [x]))) {
        const k = v === MISSING ? null : v
        const key = valueKey(k)
        if (!seen.has(key)) {
          seen.add(key)
          keys.push(k)
        }
      }
      matches = env.query(from, { [foreignField]: { $in: keys } })
    } else if (pipeline) matches = env.query(from, {})
    else
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        '$lookup requires localField/foreignField or a pipeline',
      )
    if (pipeline) {
      const variables: Record<string, unknown> = { ...env.variables }
      for (const [k, expr] of Object.entries(letSpec))
        variables[k] = evaluateExpression(doc, expr, env.variables)
      matches = runPipeline(matches, pipeline, { ...env, variables })
    }
    const out: Doc = { ...doc }
    let cur = out
    for (let i = 0; i < asParts.length - 1; i++) {
      const p = asParts[i] as string
      const next = isPlainObject(cur[p]) ? { ...(cur[p] as Doc) } : {}
      cur[p] = next
      cur = next
    }
    cur[asParts[asParts.length - 1] as string] = matches
    return out
  })
}
