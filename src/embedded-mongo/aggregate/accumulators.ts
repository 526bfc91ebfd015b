import { compareValues, valueKey } from '../bson/compare.ts'
import { isNumeric, toNumber } from '../bson/numbers.ts'
import { MongoCommandError, ErrorCode } from '../errors.ts'
import { MISSING } from '../query/paths.ts'
import { arith } from '../query/update/operators.ts'
import { compileExpression } from './compiled.ts'
import { validateExpression } from './expression.ts'
import { MINGO_CONTEXT, mingoOptions } from './mingo-context.ts'
import type { Doc } from '../bson/codec.ts'

/** A running accumulator for one group. */
export interface Accumulator {
  add(doc: Doc): void
  result(): unknown
}

/** Creates accumulators for one `$group` field spec such as `{$sum: '$qty'}`. */
export type AccumulatorFactory = () => Accumulator

function present(v: unknown): boolean {
  return v !== undefined && v !== MISSING
}

/** Compiles an accumulator expression (`{$sum: expr}`) of `$group`, `$bucket` or `$setWindowFields`. */
export function compileAccumulator(spec: unknown, vars?: Record<string, unknown>): AccumulatorFactory {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new MongoCommandError(40234, 'The field must be an accumulator object')
  }
  const entries = Object.entries(spec as Record<string, unknown>)
  if (entries.length !== 1)
    throw new MongoCommandError(ErrorCode.BadValue, 'an accumulator must have exactly one operator')
  const [op, arg] = entries[0] as [string, unknown]
  validateExpression(arg)
  const ev = compileExpression(arg, vars)
  switch (op) {
    case '$sum':
      return () => {
        let total: unknown = 0
        return {
          add(doc) {
            const v = ev(doc)
            if (isNumeric(v)) total = arith(total, v, '+')
          },
          result: () => total,
        }
      }
    case '$count':
      return () => {
        let n = 0
        return { add: () => void n++, result: () => n }
      }
    case '$avg':
      return () => {
        let total: unknown = 0
        let n = 0
        return {
          add(doc) {
            const v = ev(doc)
            if (isNumeric(v)) {
              total = arith(total, v, '+')
              n++
            }
          },
          result: () => (n === 0 ? null : toNumber(total) / n),
        }
      }
    case '$min':
    case '$max':
      return () => {
        let best: unknown = undefined
        return {
          add(doc) {
            const v = ev(doc)
            if (!present(v) || v === null) return
            if (best === undefined) best = v
            else {
              const c = compareValues(v, best)
              if ((op === '$min' && c < 0) || (op === '$max' && c > 0)) best = v
            }
          },
          result: () => (best === undefined ? null : best),
        }
      }
    case '$first':
    case '$last':
      return () => {
        let value: unknown = null
        let seen = false
        return {
          add(doc) {
            if (op === '$first' && seen) return
            seen = true
            const v = ev(doc)
            value = present(v) ? v : null
          },
          result: () => value,
        }
      }
    case '$push':
      return () => {
        const out: unknown[] = []
        return {
          add(doc) {
            const v = ev(doc)
            if (present(v)) out.push(v)
          },
          result: () => out,
        }
      }
    case '$addToSet':
      return () => {
        const out = new Map<string, unknown>()
        return {
          add(doc) {
            const v = ev(doc)
            if (present(v)) {
              const k = valueKey(v)
              if (!out.has(k)) out.set(k, v)
            }
          },
          result: () => [...out.values()],
        }
      }
    default:
      return mingoAccumulator(op, arg, vars)
  }
}

function mingoAccumulator(op: string, arg: unknown, vars?: Record<string, unknown>): AccumulatorFactory {
  const fn = MINGO_CONTEXT.getOperator('accumulator' as never, op) as
    ((docs: Doc[], expr: unknown, options: unknown) => unknown) | null
  if (!fn) throw new MongoCommandError(15952, `unknown group operator '${op}'`)
  return () => {
    const docs: Doc[] = []
    return {
      add: (doc) => void docs.push(doc),
      result: () => fn(docs, arg, mingoOptions(vars)),
    }
  }
}
