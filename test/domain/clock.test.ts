import { describe, expect, it } from 'vitest'
import { createTestClock, DAY_MS } from '../../src/domain/clock.ts'

describe('createTestClock', () => {
  it('should stay at the start until moved', () => {
    const clock = createTestClock('2026-03-08T07:00:00Z')
    expect(clock.now().toISOString()).toBe('2026-03-08T07:00:00.000Z')
    expect(clock.now().toISOString()).toBe('2026-03-08T07:00:00.000Z')
  })

  it('should advance and jump', () => {
    const clock = createTestClock(new Date('2026-03-08T07:00:00Z'))
    clock.advance(DAY_MS + 1000)
    expect(clock.now().toISOString()).toBe('2026-03-09T07:00:01.000Z')
    clock.set('2027-01-01T00:00:00+03:00')
    expect(clock.now().toISOString()).toBe('2026-12-31T21:00:00.000Z')
  })

  it('should hand out copies so callers cannot move time by mutating a Date', () => {
    const clock = createTestClock('2026-03-08T07:00:00Z')
    clock.now().setFullYear(2000)
    expect(clock.now().getUTCFullYear()).toBe(2026)
  })

  it('should refuse an invalid instant', () => {
    expect(() => createTestClock('yesterday')).toThrow(RangeError)
  })
})
