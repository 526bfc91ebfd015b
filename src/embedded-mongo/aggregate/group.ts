import { compareValues, valueKey } from '../bson/compare.ts'
import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { isPlainObject, MISSING } from '../query/paths.ts'
import { compileAccumulator } from './accumulators.ts'
import type { Accumulator, AccumulatorFactory } from './accumulators.ts'
import { compileExpression } from './compiled.ts'
import { evaluateExpression, validateExpression } from './expression.ts'

function compileOutputs(
  spec: Record<string, unknown>,
  vars?: Record<string, unknown>,
): [string, AccumulatorFactory][] {
  return Object.entries(spec).map(([field, acc]) => {
    if (field.includes('.'))
      throw new MongoCommandError(ErrorCode.Location40414, `The field name '${field}' cannot contain '.'`)
    return [field, compileAccumulator(acc, vars)]
  })
}

function normalizeKey(v: unknown): unknown {
  return v === undefined || v === MISSING ? null : v
}

/** The `$group` stage. Group order follows first appearance, like an unsorted mongod result. */
export function groupStage(docs: Doc[], spec: unknown, vars?: Record<string, unknown>): Doc[] {
  if (!isPlainObject(spec) || !('_id' in spec)) {
    throw new MongoCommandError(ErrorCode.Location15974, 'a group specification must include an _id')
  }
  const { _id: idExpr, ...rest } = spec
  validateExpression(idExpr)
  const outputs = compileOutputs(rest, vars)
  const groups = new Map<string, { id: unknown; accs: Accumulator[] }>()
  const idOf = compileExpression(idExpr, vars)
  for (const doc of docs) {
    const id = normalizeKey(idOf(doc))
    const key = valueKey(id)
    let g = groups.get(key)
    if (!g) {
      g = { id, accs: outputs.map(([, make]) => make()) }
      groups.set(key, g)
    }
    for (const acc of g.accs) acc.add(doc)
  }
  const out: Doc[] = []
  for (const g of groups.values()) {
    const row: Doc = { _id: g.id }
    outputs.forEach(([field], i) => (row[field] = (g.accs[i] as Accumulator).result()))
    out.push(row)
  }
  return out
}

/** The `$bucket` stage. */
export function bucketStage(docs: Doc[], spec: unknown, vars?: Record<string, unknown>): Doc[] {
  if (!isPlainObject(spec) || !Array.isArray(spec.boundaries) || spec.boundaries.length < 2) {
    throw new MongoCommandError(
      ErrorCode.Location40414,
      '$bucket requires groupBy and at least two boundaries',
    )
  }
  const boundaries = spec.boundaries
  validateExpression(spec.groupBy)
  const outputs = compileOutputs((spec.output as Record<string, unknown>) ?? { count: { $sum: 1 } }, vars)
  const buckets = new Map<number, Accumulator[]>()
  const make = (): Accumulator[] => outputs.map(([, f]) => f())
  for (const doc of docs) {
    const v = normalizeKey(evaluateExpression(doc, spec.groupBy, vars))
    let idx = -1
    for (let i = 0; i < boundaries.length - 1; i++) {
      if (compareValues(v, boundaries[i]) >= 0 && compareValues(v, boundaries[i + 1]) < 0) {
        idx = i
        break
      }
    }
    if (idx < 0) {
      if (!('default' in spec))
        throw new MongoCommandError(
          40066,
          '$switch could not find a matching branch for an input, and no default was specified.',
        )
      idx = boundaries.length
    }
    let accs = buckets.get(idx)
    if (!accs) {
      accs = make()
      buckets.set(idx, accs)
    }
    for (const a of accs) a.add(doc)
  }
  const out: Doc[] = []
  for (const idx of [...buckets.keys()].sort((a, b) => a - b)) {
    const row: Doc = { _id: idx === boundaries.length ? spec.default : boundaries[idx] }
    const accs = buckets.get(idx) as Accumulator[]
    outputs.forEach(([field], i) => (row[field] = (accs[i] as Accumulator).result()))
    out.push(row)
  }
  return out
}
