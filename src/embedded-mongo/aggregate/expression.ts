import { evalExpr } from 'mingo/core'
import type { Options } from 'mingo/types'
import { MongoCommandError, ErrorCode } from '../errors.ts'
import { MINGO_CONTEXT, mingoOptions } from './mingo-context.ts'

interface ComputeOptionsLike extends Options {
  update(locals: Record<string, unknown>): ComputeOptionsLike
}
interface ComputeOptionsClass {
  init(options: Options | ComputeOptionsLike): ComputeOptionsLike
}

/**
 * mingo does not export its ComputeOptions class, and rebuilding it from plain options copies every
 * operator table on each evaluation. Capture the class once through a tiny custom operator.
 */
function captureComputeOptions(): ComputeOptionsClass {
  let captured: unknown = null
  MINGO_CONTEXT.addExpressionOps({
    $__captureOptions: (_obj: unknown, _expr: unknown, options: unknown) => {
      captured = options
      return null
    },
  } as never)
  evalExpr({}, { $__captureOptions: 1 }, mingoOptions())
  return (captured as { constructor: ComputeOptionsClass }).constructor
}

const ComputeOptions = captureComputeOptions()

/** True when a value holds numbers mingo cannot do arithmetic on (Double/Int32/Long objects). */
function hasWrappedNumbers(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false
  if (Array.isArray(v)) return v.some(hasWrappedNumbers)
  const tag = (v as { _bsontype?: string })._bsontype
  if (tag !== undefined) return tag === 'Double' || tag === 'Int32' || tag === 'Long'
  if (v instanceof Date || v instanceof RegExp) return false
  for (const k in v as Record<string, unknown>)
    if (hasWrappedNumbers((v as Record<string, unknown>)[k])) return true
  return false
}

/** Copy of a value with Double/Int32 (and exactly representable Long) objects as JS numbers. */
function unwrapNumbers(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map(unwrapNumbers)
  const tag = (v as { _bsontype?: string })._bsontype
  if (tag === 'Double' || tag === 'Int32') return (v as { value: number }).value
  if (tag === 'Long') {
    const n = (v as { toNumber(): number }).toNumber()
    return Number.isSafeInteger(n) ? n : v
  }
  if (tag !== undefined || v instanceof Date || v instanceof RegExp) return v
  const out: Record<string, unknown> = {}
  for (const k in v as Record<string, unknown>) out[k] = unwrapNumbers((v as Record<string, unknown>)[k])
  return out
}

const mingoViews = new WeakMap<object, Record<string, unknown>>()

/**
 * The document as mingo should see it: mingo's arithmetic and comparisons only know JS numbers, so
 * integer-valued Doubles and Longs (kept as objects to preserve their BSON type) become numbers.
 * Stored documents are immutable, so the converted view is cached per document.
 */
function mingoView(doc: Record<string, unknown>): Record<string, unknown> {
  let view = mingoViews.get(doc)
  if (!view) {
    view = hasWrappedNumbers(doc) ? (unwrapNumbers(doc) as Record<string, unknown>) : doc
    mingoViews.set(doc, view)
  }
  return view
}
const BASE = ComputeOptions.init(mingoOptions())

/**
 * Evaluates an aggregation expression (`"$field"`, `{$add: [...]}`, literals, ...) against a document.
 * Errors from mingo become MongoDB-shaped errors.
 */
export function evaluateExpression(
  doc: Record<string, unknown>,
  expr: unknown,
  variables?: Record<string, unknown>,
): unknown {
  if (typeof expr !== 'object' && typeof expr !== 'string') return expr
  try {
    const root = mingoView(doc)
    const vars =
      variables && hasWrappedNumbers(variables)
        ? (unwrapNumbers(variables) as Record<string, unknown>)
        : variables
    const exprView = typeof expr === 'object' && hasWrappedNumbers(expr) ? unwrapNumbers(expr) : expr
    const opts = ComputeOptions.init(BASE).update(vars ? { root, variables: vars } : { root })
    return evalExpr(root, exprView, opts)
  } catch (err) {
    if (err instanceof MongoCommandError) throw err
    throw new MongoCommandError(ErrorCode.BadValue, `Invalid expression: ${(err as Error).message}`)
  }
}

/**
 * Checks that every operator in an expression exists, as mongod does when it parses a pipeline,
 * so a typo fails even when no document reaches the expression.
 */
export function validateExpression(expr: unknown): void {
  if (Array.isArray(expr)) {
    for (const e of expr) validateExpression(e)
    return
  }
  if (expr === null || typeof expr !== 'object') return
  if (
    (expr as { _bsontype?: string })._bsontype !== undefined ||
    expr instanceof Date ||
    expr instanceof RegExp
  )
    return
  const keys = Object.keys(expr)
  const first = keys[0]
  if (first?.startsWith('$')) {
    if (first === '$literal') return
    const known =
      MINGO_CONTEXT.getOperator('expression' as never, first) ??
      MINGO_CONTEXT.getOperator('accumulator' as never, first)
    if (!known)
      throw new MongoCommandError(ErrorCode.InvalidPipelineOperator, `Unrecognized expression '${first}'`)
  }
  for (const k of keys) validateExpression((expr as Record<string, unknown>)[k])
}
