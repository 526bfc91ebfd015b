import type { Agenda } from 'agenda'
import type { TierReviewService } from '../services/tier-review.ts'

/** The job's name in Agenda's `jobs` collection. */
export const TIER_REVIEW_JOB = 'tier-review'

/**
 * Hourly, not once at the boundary: the review is a compare-and-set per customer keyed to the
 * last boundary, so reruns change nothing and a bot that was down at midnight reviews soon after.
 */
export const TIER_REVIEW_EVERY = '1 hour'

/** Downgrades at the end of a review period (see {@link TierReviewService}). */
export function defineTierReviewJob(agenda: Agenda, deps: { tierReview: TierReviewService }): void {
  agenda.define(TIER_REVIEW_JOB, async () => {
    await deps.tierReview.runReview()
  })
}

/** Schedules the review every {@link TIER_REVIEW_EVERY} and once now (on start). */
export async function scheduleTierReview(agenda: Agenda): Promise<void> {
  await agenda.every(TIER_REVIEW_EVERY, TIER_REVIEW_JOB)
  await agenda.now(TIER_REVIEW_JOB)
}
