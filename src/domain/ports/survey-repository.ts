import type { NpsScore } from '../nps.ts'

/** A transactional NPS survey scheduled after a purchase. */
export interface NpsSurvey {
  /** Derived from the purchase (`nps:<purchaseId>`), so a purchase schedules at most one. */
  readonly id: string
  readonly customerId: string
  readonly purchaseId: string | null
  readonly outletId: string
  /** The staff member who served the customer, for `/nps` by staff. */
  readonly staffId: string | null
  readonly touchpoint: string
  readonly createdAt: Date
  /** When to ask (purchase + delay; the messaging policy may defer it further). */
  readonly sendAt: Date
  /** After this, answers are refused and the survey is no longer sent. */
  readonly expiresAt: Date
  readonly answer: NpsAnswer | null
}

/** The customer's answer: one score, then an optional comment. */
export interface NpsAnswer {
  readonly score: NpsScore
  readonly answeredAt: Date
  readonly comment: string | null
}

/**
 * NPS surveys, implemented by src/db.
 * - `createIfNoneSince` is atomic per customer: it stores the survey only when the customer has
 *   no survey created strictly after `since` (now - cooldown), and is idempotent by survey id.
 * - `recordScore` is a compare-and-set: only the first score of a survey is stored, whatever the
 *   customer taps twice; it returns the survey as stored plus whether this call recorded it.
 */
export interface SurveyRepository {
  createIfNoneSince(survey: NpsSurvey, since: Date): Promise<NpsSurvey | null>
  findById(surveyId: string): Promise<NpsSurvey | null>
  recordScore(
    surveyId: string,
    score: NpsScore,
    at: Date,
  ): Promise<{ readonly survey: NpsSurvey; readonly recorded: boolean } | null>
  /** Stores the follow-up comment once (a later one is ignored); returns the survey or null. */
  recordComment(surveyId: string, comment: string): Promise<NpsSurvey | null>
}
