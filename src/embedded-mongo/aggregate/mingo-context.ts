import { Context } from 'mingo/core'
import * as accumulatorOperators from 'mingo/operators/accumulator'
import * as expressionOperators from 'mingo/operators/expression'
import * as pipelineOperators from 'mingo/operators/pipeline'
import * as projectionOperators from 'mingo/operators/projection'
import * as queryOperators from 'mingo/operators/query'
import * as windowOperators from 'mingo/operators/window'
import type { Options } from 'mingo/types'
import { $dateFromParts, $dateTrunc, withTimezone } from './date-ops.ts'

type ExpressionOp = Parameters<typeof withTimezone>[0]

const TZ_OPERATORS = [
  '$dateToString',
  '$dateToParts',
  '$year',
  '$month',
  '$dayOfMonth',
  '$dayOfWeek',
  '$dayOfYear',
  '$hour',
  '$minute',
  '$second',
  '$millisecond',
  '$week',
  '$isoWeek',
  '$isoWeekYear',
  '$isoDayOfWeek',
  '$dateAdd',
  '$dateSubtract',
  '$dateDiff',
]

function expressionTable(): Record<string, unknown> {
  const table: Record<string, unknown> = { ...expressionOperators }
  for (const name of TZ_OPERATORS) {
    const op = table[name] as ExpressionOp | undefined
    if (op) table[name] = withTimezone(op)
  }
  table.$dateTrunc = $dateTrunc
  table.$dateFromParts = $dateFromParts
  return table
}

/** A mingo context with every operator registered; mingo supplies aggregation expression semantics. */
export const MINGO_CONTEXT = Context.init({
  accumulator: accumulatorOperators,
  expression: expressionTable(),
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
