import { evalExpr } from 'mingo/core'
import type { Options } from 'mingo/types'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { isPlainObject } from '../query/paths.ts'
import { formatOffset, fromLocal, isValidTimezone, offsetMinutes, toLocal } from './timezone.ts'

type ExpressionOp = (obj: unknown, expr: unknown, options: Options) => unknown

function evaluatedArgs(obj: unknown, expr: unknown, options: Options): Record<string, unknown> {
  const args = evalExpr(obj, expr, options)
  if (!isPlainObject(args))
    throw new MongoCommandError(ErrorCode.BadValue, 'date operator arguments must be an object')
  return args
}

function checkTz(tz: unknown): string | null {
  if (tz === undefined || tz === null) return null
  if (typeof tz !== 'string' || !isValidTimezone(tz))
    throw new MongoCommandError(40485, `unrecognized time zone identifier: "${String(tz)}"`)
  return tz
}

/**
 * Wraps a mingo date operator so a `timezone` given as an Olson name (any form, e.g. "UTC",
 * "America/Argentina/Buenos_Aires") is resolved to the exact offset at that instant, which mingo
 * then applies. Handles daylight saving time correctly.
 */
export function withTimezone(op: ExpressionOp): ExpressionOp {
  return (obj, expr, options) => {
    if (!isPlainObject(expr) || !('timezone' in expr)) return op(obj, expr, options)
    const args = evaluatedArgs(obj, expr, options)
    const tz = checkTz(args.timezone)
    const date = args.date
    if (tz === null || !(date instanceof Date)) return op(obj, { ...args, timezone: undefined }, options)
    return op(
      obj,
      { ...args, date: { $literal: date }, timezone: formatOffset(offsetMinutes(tz, date)) },
      options,
    )
  }
}

const UNITS_MS: Record<string, number> = {
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
}
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
/** Reference point of bins: 2000-01-01T00:00 local time, as MongoDB uses. */
const REF = Date.UTC(2000, 0, 1)

function monthsSinceRef(local: Date): number {
  return (local.getUTCFullYear() - 2000) * 12 + local.getUTCMonth()
}

/** `$dateTrunc` with correct time zone handling (mingo's ignores the zone when counting days). */
export const $dateTrunc: ExpressionOp = (obj, expr, options) => {
  const args = evaluatedArgs(obj, expr, options)
  const { date, unit } = args
  if (date === null || date === undefined || unit === null || unit === undefined) return null
  if (!(date instanceof Date)) throw new MongoCommandError(5439012, "$dateTrunc requires 'date' to be a date")
  const binSize = args.binSize === undefined ? 1 : Number(args.binSize)
  if (!(binSize > 0))
    throw new MongoCommandError(5439017, "$dateTrunc requires 'binSize' to be greater than 0")
  const tz = checkTz(args.timezone) ?? 'UTC'
  const local = toLocal(tz, date)
  let truncated: number
  if (typeof unit === 'string' && unit in UNITS_MS) {
    const size = binSize * (UNITS_MS[unit] as number)
    const since = local.getTime() - REF
    truncated = REF + since - (((since % size) + size) % size)
  } else if (unit === 'week') {
    const start = WEEKDAYS.indexOf(
      String(args.startOfWeek ?? 'sun')
        .slice(0, 3)
        .toLowerCase(),
    )
    if (start < 0)
      throw new MongoCommandError(5439015, "$dateTrunc requires 'startOfWeek' to be a valid day of the week")
    const ref = REF + ((start - new Date(REF).getUTCDay() + 7) % 7) * 86_400_000
    const size = binSize * 7 * 86_400_000
    const dayStart = local.getTime() - (((local.getTime() % 86_400_000) + 86_400_000) % 86_400_000)
    const since = dayStart - ref
    truncated = ref + since - (((since % size) + size) % size)
  } else if (unit === 'month' || unit === 'quarter' || unit === 'year') {
    const per = unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12
    const size = binSize * per
    const months = monthsSinceRef(local)
    const bin = months - (((months % size) + size) % size)
    truncated = Date.UTC(2000 + Math.floor(bin / 12), ((bin % 12) + 12) % 12, 1)
  } else throw new MongoCommandError(5439014, `$dateTrunc: invalid unit ${String(unit)}`)
  return fromLocal(tz, new Date(truncated))
}

/** `$dateFromParts` interpreting the parts as local time of `timezone` (DST-correct). */
export const $dateFromParts: ExpressionOp = (obj, expr, options) => {
  const a = evaluatedArgs(obj, expr, options)
  const n = (v: unknown, d: number): number => (v === undefined || v === null ? d : Number(v))
  const tz = checkTz(a.timezone) ?? 'UTC'
  let local: number
  if (a.isoWeekYear !== undefined) {
    const year = n(a.isoWeekYear, 1970)
    const jan4 = Date.UTC(year, 0, 4)
    const week1Monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000
    local = week1Monday + ((n(a.isoWeek, 1) - 1) * 7 + (n(a.isoDayOfWeek, 1) - 1)) * 86_400_000
    local += n(a.hour, 0) * 3_600_000 + n(a.minute, 0) * 60_000 + n(a.second, 0) * 1000 + n(a.millisecond, 0)
  } else {
    local = Date.UTC(
      n(a.year, 1970),
      n(a.month, 1) - 1,
      n(a.day, 1),
      n(a.hour, 0),
      n(a.minute, 0),
      n(a.second, 0),
      n(a.millisecond, 0),
    )
  }
  return fromLocal(tz, new Date(local))
}
