import { Context } from 'mingo/core'
import * as accumulatorOperators from 'mingo/operators/accumulator'
import * as expressionOperators from 'mingo/operators/expression'
import * as pipelineOperators from 'mingo/operators/pipeline'
import * as projectionOperators from 'mingo/operators/projection'
import * as queryOperators from 'mingo/operators/query'
import * as windowOperators from 'mingo/operators/window'
import type { Options } from 'mingo/types'

/** A mingo context with every operator registered; mingo supplies aggregation expression semantics. */
export const MINGO_CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: expressionOperators,
  pipeline: pipelineOperators,
  projection: projectionOperators,
  query: queryOperators,
  window: windowOperators,
} as Parameters<typeof Context.init>[0])

/** Builds mingo options for one evaluation. */
export function mingoOptions(variables?: Record<string, unknown>, extra?: Partial<Options>): Options {
  return {
    context: MINGO_CONTEXT,
    idKey: '_id',
    useStrictMode: true,
    scriptEnabled: false,
    failOnError: true,
    processingMode: 0,
    ...(variables ? { variables } : {}),
    ...extra,
  } as unknown as Options
}
