import { describe, expect, it } from 'vitest'
import {
  DEFAULT_CONSENTS,
  decideDelivery,
  hasConsent,
  isCategoryEnabled,
  isPromotional,
  quietHoursEnd,
  type DeliveryRequest,
} from '../../src/domain/messaging-policy.ts'
import type { MessagingRules } from '../../src/domain/program.ts'
import { parseProgram } from '../../src/config/program.ts'

const MSK = 'Europe/Moscow'
const rules: MessagingRules = {
  promoCapPer30Days: 3,
  quietHours: { start: { hour: 21, minute: 0 }, end: { hour: 10, minute: 0 } },
  digestHour: 9,
}
// 15:00 in Moscow
const afternoon = new Date('2026-03-08T12:00:00Z')
const request = (overrides: Partial<DeliveryRequest>): DeliveryRequest => ({
  category: 'promotion',
  consents: DEFAULT_CONSENTS,
  reachable: true,
  promotionalSentLast30Days: 0,
  now: afternoon,
  ...overrides,
})

describe('quiet hours across midnight in Europe/Moscow', () => {
  it.each([
    ['2026-03-08T17:59:00Z', null], // 20:59 local
    ['2026-03-08T18:00:00Z', '2026-03-09T07:00:00.000Z'], // 21:00 -> 10:00 tomorrow
    ['2026-03-08T20:59:00Z', '2026-03-09T07:00:00.000Z'], // 23:59
    ['2026-03-08T21:00:00Z', '2026-03-09T07:00:00.000Z'], // 00:00 of the 9th -> 10:00 the same day
    ['2026-03-09T06:59:00Z', '2026-03-09T07:00:00.000Z'], // 09:59
    ['2026-03-09T07:00:00Z', null], // 10:00
  ])('at %s should defer until %s', (instant, until) => {
    expect(quietHoursEnd(new Date(instant), rules.quietHours, MSK)?.toISOString() ?? null).toBe(until)
  })

  it('should handle a window within one day and no window at all', () => {
    const lunch = { start: { hour: 13, minute: 0 }, end: { hour: 14, minute: 30 } }
    expect(quietHoursEnd(new Date('2026-03-08T10:15:00Z'), lunch, MSK)?.toISOString()).toBe(
      '2026-03-08T11:30:00.000Z',
    )
    expect(quietHoursEnd(new Date('2026-03-08T11:30:00Z'), lunch, MSK)).toBeNull()
    const none = { start: { hour: 22, minute: 0 }, end: { hour: 22, minute: 0 } }
    expect(quietHoursEnd(new Date('2026-03-08T20:00:00Z'), none, MSK)).toBeNull()
  })
})

describe('decideDelivery', () => {
  const night = new Date('2026-03-08T19:30:00Z') // 22:30 local

  it('should drop a message of a feature the program switched off, whatever its category', () => {
    for (const category of ['nps', 'birthday', 'transactional'] as const) {
      expect(decideDelivery(request({ category, enabledByProgram: false }), rules, MSK)).toEqual({
        action: 'drop',
        reason: 'disabled',
      })
    }
  })

  it('should tell which categories the program switched off: NPS, birthday, a holiday off or gone', () => {
    const program = parseProgram({ nps: { enabled: false } })
    expect(isCategoryEnabled('nps', program)).toBe(false)
    expect(isCategoryEnabled('birthday', program)).toBe(true)
    expect(isCategoryEnabled('promotion', program)).toBe(true)
    expect(isCategoryEnabled(`holiday:${program.holidays[0]!.id}`, program)).toBe(true)
    expect(isCategoryEnabled('holiday:no-such-day', program)).toBe(false)
  })

  it('should send transactional messages at night and over the cap', () => {
    const decision = decideDelivery(
      request({ category: 'transactional', now: night, promotionalSentLast30Days: 99 }),
      rules,
      MSK,
    )
    expect(decision).toEqual({ action: 'send' })
  })

  it('should drop everything for an unreachable customer', () => {
    expect(decideDelivery(request({ category: 'transactional', reachable: false }), rules, MSK)).toEqual({
      action: 'drop',
      reason: 'unreachable',
    })
  })

  it('should defer a non-transactional message at night to 10:00', () => {
    expect(decideDelivery(request({ category: 'nps', now: night }), rules, MSK)).toEqual({
      action: 'defer',
      until: new Date('2026-03-09T07:00:00Z'),
    })
  })

  it('should drop promotional messages over the cap but not birthday greetings', () => {
    expect(decideDelivery(request({ promotionalSentLast30Days: 3 }), rules, MSK)).toEqual({
      action: 'drop',
      reason: 'frequency_cap',
    })
    expect(decideDelivery(request({ promotionalSentLast30Days: 2 }), rules, MSK)).toEqual({ action: 'send' })
    expect(
      decideDelivery(request({ category: 'birthday', promotionalSentLast30Days: 3 }), rules, MSK),
    ).toEqual({
      action: 'send',
    })
  })

  it('should defer a capped promotional message until the oldest counted one leaves the window', () => {
    const oldest = new Date('2026-03-01T09:00:00Z')
    expect(
      decideDelivery(request({ promotionalSentLast30Days: 3, oldestPromotionalSentAt: oldest }), rules, MSK),
    ).toEqual({ action: 'defer', until: new Date('2026-03-31T09:00:00.001Z') })
  })

  it('should respect per-category and per-holiday consent', () => {
    const consents = { topics: { reminders: false }, holidays: { 'mothers-day': false } }
    expect(decideDelivery(request({ category: 'reminder', consents }), rules, MSK)).toEqual({
      action: 'drop',
      reason: 'no_consent',
    })
    expect(hasConsent('holiday:mothers-day', consents)).toBe(false)
    expect(hasConsent('holiday:womens-day', consents)).toBe(true)
    expect(
      hasConsent('holiday:womens-day', { topics: { holidays: false }, holidays: { 'womens-day': true } }),
    ).toBe(false)
    expect(hasConsent('transactional', { topics: { promotions: false }, holidays: {} })).toBe(true)
  })

  it('should count promotions, reminders and holidays as promotional', () => {
    expect(
      ['promotion', 'reminder', 'holiday:new-year', 'nps', 'birthday', 'transactional'].map((c) =>
        isPromotional(c as 'nps'),
      ),
    ).toEqual([true, true, true, false, false, false])
  })
})
