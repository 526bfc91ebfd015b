import { DomainError } from './errors.ts'

declare const pointsBrand: unique symbol
declare const deltaBrand: unique symbol

/** A balance or an amount of points: a non-negative integer. One point is worth one currency unit. */
export type Points = number & { readonly [pointsBrand]: 'Points' }

/** A signed change of a balance, as stored on a ledger entry: credits > 0, debits < 0. */
export type PointsDelta = number & { readonly [deltaBrand]: 'PointsDelta' }

/** True for a non-negative safe integer, i.e. a valid {@link Points} value. */
export function isPoints(value: unknown): value is Points {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/** Brands a non-negative integer; throws a RangeError (a bug, not a refusal) otherwise. */
export function points(value: number): Points {
  if (!isPoints(value)) throw new RangeError(`Points must be a non-negative integer: ${value}`)
  return value
}

/** Brands a signed integer; throws a RangeError otherwise. */
export function pointsDelta(value: number): PointsDelta {
  if (!Number.isSafeInteger(value)) throw new RangeError(`A points delta must be an integer: ${value}`)
  return value as PointsDelta
}

/** The delta that adds `amount` points. */
export function credit(amount: Points): PointsDelta {
  return pointsDelta(amount)
}

/** The delta that removes `amount` points. */
export function debit(amount: Points): PointsDelta {
  return pointsDelta(amount === 0 ? 0 : -amount)
}

/** The smaller of two amounts of points. */
export function minPoints(a: Points, b: Points): Points {
  return points(Math.min(a, b))
}

/**
 * Reads a number of points typed by staff ("300", " 1 200 "): digits with optional space
 * grouping. Refuses with POINTS.INVALID_FORMAT or POINTS.NOT_POSITIVE.
 */
export function parsePoints(input: string): Points {
  const text = input.trim()
  if (!/^\d{1,3}(?:[\s\u00A0\u202F]\d{3})*$/.test(text) && !/^\d+$/.test(text)) {
    throw new DomainError('POINTS.INVALID_FORMAT', { input })
  }
  const value = Number(text.replace(/\D/g, ''))
  if (!Number.isSafeInteger(value)) throw new DomainError('POINTS.INVALID_FORMAT', { input })
  if (value === 0) throw new DomainError('POINTS.NOT_POSITIVE')
  return points(value)
}
