import { minorPerUnit, money, type Currency, type Money } from './money.ts'
import { points, type Points } from './points.ts'

declare const bpBrand: unique symbol

/** A rate in basis points: 1 bp = 0.01 %, 10 000 bp = 100 %. Integers only, so no float ever. */
export type BasisPoints = number & { readonly [bpBrand]: 'BasisPoints' }

/** The whole, 100 %. */
export const FULL_BP = 10_000

/** Brands a non-negative integer rate; throws a RangeError otherwise. */
export function basisPoints(value: number): BasisPoints {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`Basis points must be a non-negative integer: ${value}`)
  }
  return value as BasisPoints
}

/**
 * Points earned on `amount` at `rate`, rounded down: floor(minor * bp / 10 000 / minorPerUnit).
 * One point is one currency unit, so 3 % of 349.99 ₽ is 10 points (10.4997 rounded down).
 */
export function pointsAtRate(amount: Money, rate: BasisPoints, currency: Currency): Points {
  const divisor = BigInt(FULL_BP) * BigInt(minorPerUnit(currency))
  return points(Number((BigInt(amount) * BigInt(rate)) / divisor))
}

/** `rate` of `amount` in minor units, rounded down: e.g. a 5 % discount on 333.33 ₽ is 16.66 ₽. */
export function shareOfMoney(amount: Money, rate: BasisPoints): Money {
  return money(Number((BigInt(amount) * BigInt(rate)) / BigInt(FULL_BP)))
}

/** What `value` points are worth in money (1 point = 1 currency unit). */
export function pointsToMoney(value: Points, currency: Currency): Money {
  return money(value * minorPerUnit(currency))
}

/** "3 %" style display of a rate without floats: 250 bp -> "2.5", 300 bp -> "3". */
export function percentText(rate: BasisPoints, decimalSeparator = '.'): string {
  const whole = Math.floor(rate / 100)
  const rest = rate % 100
  if (rest === 0) return String(whole)
  const decimals = String(rest).padStart(2, '0').replace(/0$/, '')
  return `${whole}${decimalSeparator}${decimals}`
}
