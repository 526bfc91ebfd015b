import { describe, expect, it } from 'vitest'
import { parseProgram } from '../../src/config/program.ts'
import { assertCanAnswer, isSurveyOpen, planSurvey, surveyEligibility } from '../../src/domain/nps-survey.ts'

const rules = parseProgram({}).nps
const now = new Date('2026-03-02T09:00:00Z')
const candidate = { optedOut: false, reachable: true, lastSurveyAt: null }

describe('surveyEligibility', () => {
  it('should allow a reachable customer who never had a survey', () => {
    expect(surveyEligibility(candidate, now, rules)).toEqual({ eligible: true })
  })

  it('should wait 30 days after the last survey', () => {
    const recent = { ...candidate, lastSurveyAt: new Date('2026-01-31T09:00:01Z') }
    expect(surveyEligibility(recent, now, rules)).toEqual({ eligible: false, reason: 'cooldown' })
    const old = { ...candidate, lastSurveyAt: new Date('2026-01-31T09:00:00Z') }
    expect(surveyEligibility(old, now, rules)).toEqual({ eligible: true })
  })

  it('should respect opt-out, blocked bots and a disabled survey', () => {
    expect(surveyEligibility({ ...candidate, optedOut: true }, now, rules)).toEqual({
      eligible: false,
      reason: 'opted_out',
    })
    expect(surveyEligibility({ ...candidate, reachable: false }, now, rules)).toEqual({
      eligible: false,
      reason: 'unreachable',
    })
    expect(surveyEligibility(candidate, now, { ...rules, enabled: false })).toEqual({
      eligible: false,
      reason: 'disabled',
    })
  })
})

describe('planSurvey', () => {
  const survey = planSurvey(
    { customerId: 'anna', purchaseId: 'p1', purchaseAt: now, outletId: 'main', staffId: '1001' },
    now,
    rules,
  )

  it('should ask 2 hours after the purchase and expire 72 hours later', () => {
    expect(survey).toMatchObject({
      id: 'nps:p1',
      touchpoint: 'purchase',
      sendAt: new Date('2026-03-02T11:00:00Z'),
      expiresAt: new Date('2026-03-05T11:00:00Z'),
      answer: null,
    })
    expect(isSurveyOpen(survey, new Date('2026-03-05T10:59:59Z'))).toBe(true)
    expect(isSurveyOpen(survey, new Date('2026-03-05T11:00:00Z'))).toBe(false)
  })

  it('should refuse answers from someone else, twice, or too late', () => {
    expect(assertCanAnswer(survey, 'anna', now)).toBe(survey)
    expect(() => assertCanAnswer(survey, 'boris', now)).toThrow(
      expect.objectContaining({ code: 'NPS.SURVEY_NOT_FOUND' }),
    )
    expect(() => assertCanAnswer(null, 'anna', now)).toThrow(
      expect.objectContaining({ code: 'NPS.SURVEY_NOT_FOUND' }),
    )
    const answered = { ...survey, answer: { score: 9 as const, answeredAt: now, comment: null } }
    expect(() => assertCanAnswer(answered, 'anna', now)).toThrow(
      expect.objectContaining({ code: 'NPS.ALREADY_ANSWERED' }),
    )
    expect(() => assertCanAnswer(survey, 'anna', new Date('2026-03-06T00:00:00Z'))).toThrow(
      expect.objectContaining({ code: 'NPS.SURVEY_EXPIRED' }),
    )
  })
})
