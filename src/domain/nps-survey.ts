import { DAY_MS, HOUR_MS, MINUTE_MS } from './clock.ts'
import { DomainError } from './errors.ts'
import type { NpsSurvey } from './ports/survey-repository.ts'
import type { NpsRules } from './program.ts'

/** What decides whether a customer may be surveyed now. */
export interface SurveyCandidate {
  /** The customer switched NPS off in settings. */
  readonly optedOut: boolean
  /** False once the bot is blocked or the customer erased their data. */
  readonly reachable: boolean
  /** When the customer's last survey was created; null if never. */
  readonly lastSurveyAt: Date | null
}

/** Why a survey is not scheduled. */
export type SurveyRefusal = 'disabled' | 'opted_out' | 'unreachable' | 'cooldown'

/** Whether to schedule a survey at `now`: NPS on, consent, reachable, outside the cooldown. */
export function surveyEligibility(
  candidate: SurveyCandidate,
  now: Date,
  rules: NpsRules,
): { readonly eligible: true } | { readonly eligible: false; readonly reason: SurveyRefusal } {
  if (!rules.enabled) return { eligible: false, reason: 'disabled' }
  if (candidate.optedOut) return { eligible: false, reason: 'opted_out' }
  if (!candidate.reachable) return { eligible: false, reason: 'unreachable' }
  const last = candidate.lastSurveyAt
  if (last !== null && last.getTime() > cooldownStart(now, rules).getTime()) {
    return { eligible: false, reason: 'cooldown' }
  }
  return { eligible: true }
}

/** Surveys created strictly after this instant block a new one (now - cooldownDays). */
export function cooldownStart(now: Date, rules: NpsRules): Date {
  return new Date(now.getTime() - rules.cooldownDays * DAY_MS)
}

/** The survey id of a purchase: one purchase, at most one survey. */
export const surveyIdFor = (purchaseId: string) => `nps:${purchaseId}`

/** What a purchase contributes to its survey. */
export interface SurveyOrigin {
  readonly customerId: string
  readonly purchaseId: string
  readonly purchaseAt: Date
  readonly outletId: string
  readonly staffId: string | null
  /** Default: the program's first touchpoint. */
  readonly touchpoint?: string
}

/**
 * A survey for a purchase: asked `delayMinutes` after it (default 120), expiring `expiryHours`
 * after being asked (default 72).
 */
export function planSurvey(origin: SurveyOrigin, now: Date, rules: NpsRules): NpsSurvey {
  const sendAt = new Date(origin.purchaseAt.getTime() + rules.delayMinutes * MINUTE_MS)
  return {
    id: surveyIdFor(origin.purchaseId),
    customerId: origin.customerId,
    purchaseId: origin.purchaseId,
    outletId: origin.outletId,
    staffId: origin.staffId,
    touchpoint: origin.touchpoint ?? rules.touchpoints[0] ?? 'purchase',
    createdAt: now,
    sendAt,
    expiresAt: new Date(sendAt.getTime() + rules.expiryHours * HOUR_MS),
    answer: null,
  }
}

/** True while the survey can still be sent and answered. */
export function isSurveyOpen(survey: NpsSurvey, now: Date): boolean {
  return survey.answer === null && now.getTime() < survey.expiresAt.getTime()
}

/**
 * Refuses an answer that cannot be taken: NPS.SURVEY_NOT_FOUND (missing, or someone else's: a
 * forged callback learns nothing), NPS.ALREADY_ANSWERED, NPS.SURVEY_EXPIRED.
 */
export function assertCanAnswer(survey: NpsSurvey | null, customerId: string, now: Date): NpsSurvey {
  if (survey === null || survey.customerId !== customerId) {
    throw new DomainError('NPS.SURVEY_NOT_FOUND', { surveyId: survey?.id ?? '' })
  }
  if (survey.answer !== null) throw new DomainError('NPS.ALREADY_ANSWERED')
  if (now.getTime() >= survey.expiresAt.getTime()) throw new DomainError('NPS.SURVEY_EXPIRED')
  return survey
}
