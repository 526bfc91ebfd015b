import { describe, expect, it } from 'vitest'
import { money, type Currency } from '../../src/domain/money.ts'
import { points } from '../../src/domain/points.ts'
import {
  basisPoints,
  percentText,
  pointsAtRate,
  pointsToMoney,
  shareOfMoney,
} from '../../src/domain/rates.ts'

const RUB: Currency = { code: 'RUB', minorUnits: 2, symbol: '₽' }
const JPY: Currency = { code: 'JPY', minorUnits: 0, symbol: '¥' }

describe('pointsAtRate', () => {
  it('should round down to whole points, 1 point per currency unit', () => {
    expect(pointsAtRate(money(34_999), basisPoints(300), RUB)).toBe(10) // 10.4997
    expect(pointsAtRate(money(33_333), basisPoints(300), RUB)).toBe(9) // 9.9999
    expect(pointsAtRate(money(33_334), basisPoints(300), RUB)).toBe(10) // 10.0002
    expect(pointsAtRate(money(3_299), basisPoints(300), RUB)).toBe(0) // 0.9897
    expect(pointsAtRate(money(100_000_000), basisPoints(700), RUB)).toBe(70_000)
  })

  it('should work for a currency without minor units', () => {
    expect(pointsAtRate(money(349), basisPoints(300), JPY)).toBe(10)
  })

  it('should stay exact far beyond float precision', () => {
    expect(pointsAtRate(money(Number.MAX_SAFE_INTEGER), basisPoints(10_000), RUB)).toBe(90_071_992_547_409)
  })
})

describe('shareOfMoney and conversions', () => {
  it('should round a share down to the kopeck', () => {
    expect(shareOfMoney(money(33_333), basisPoints(500))).toBe(1_666) // 1666.65
    expect(shareOfMoney(money(100_000), basisPoints(3_000))).toBe(30_000)
  })

  it('should value points at one currency unit each', () => {
    expect(pointsToMoney(points(300), RUB)).toBe(30_000)
    expect(pointsToMoney(points(300), JPY)).toBe(300)
  })

  it('should print rates without floats', () => {
    expect(percentText(basisPoints(300))).toBe('3')
    expect(percentText(basisPoints(250), ',')).toBe('2,5')
    expect(percentText(basisPoints(1_205))).toBe('12.05')
    expect(() => basisPoints(2.5)).toThrow(RangeError)
  })
})
