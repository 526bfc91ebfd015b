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
    const opts = ComputeOptions.init(BASE).update(variables ? { root: doc, variables } : { root: doc })
    return evalExpr(doc, expr, opts)
  } catch (err) {
    if (err instanceof MongoCommandError) throw err
    throw new MongoCommandError(ErrorCode.BadValue, `Invalid expression: ${(err as Error).message}`)
  }
}
