import { describe, expect, it } from 'vitest'
import { isDomainError } from '../../src/domain/errors.ts'
import { credit, debit, isPoints, parsePoints, points, pointsDelta } from '../../src/domain/points.ts'

describe('points', () => {
  it('should accept non-negative integers only', () => {
    expect(points(0)).toBe(0)
    expect(points(120)).toBe(120)
    expect(isPoints(1.5)).toBe(false)
    expect(isPoints(-1)).toBe(false)
    expect(() => points(2.5)).toThrow(RangeError)
  })

  it('should make signed deltas for credits and debits', () => {
    expect(credit(points(300))).toBe(300)
    expect(debit(points(300))).toBe(-300)
    expect(Object.is(debit(points(0)), 0)).toBe(true)
    expect(() => pointsDelta(0.5)).toThrow(RangeError)
  })
})

describe('parsePoints', () => {
  it.each([
    ['300', 300],
    [' 1 200 ', 1200],
    ['1\u00A0200', 1200],
    ['7', 7],
  ])('should read %j as %i', (input, value) => {
    expect(parsePoints(input)).toBe(value)
  })

  it.each([
    ['abc', 'POINTS.INVALID_FORMAT'],
    ['12.5', 'POINTS.INVALID_FORMAT'],
    ['-5', 'POINTS.INVALID_FORMAT'],
    ['', 'POINTS.INVALID_FORMAT'],
    ['99999999999999999999', 'POINTS.INVALID_FORMAT'],
    ['0', 'POINTS.NOT_POSITIVE'],
  ])('should refuse %j with %s', (input, code) => {
    let caught: unknown
    try {
      parsePoints(input)
    } catch (error) {
      caught = error
    }
    expect(isDomainError(caught, code as 'POINTS.INVALID_FORMAT')).toBe(true)
  })
})
