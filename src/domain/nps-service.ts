import type { Clock } from './clock.ts'
import { DomainError } from './errors.ts'
import { followUpKey, npsCategory, parseNpsScore, type NpsCategory } from './nps.ts'
import {
  assertCanAnswer,
  cooldownStart,
  planSurvey,
  surveyEligibility,
  type SurveyOrigin,
} from './nps-survey.ts'
import type { NpsSurvey, SurveyRepository } from './ports/survey-repository.ts'
import type { Program } from './program.ts'

/**
 * Longest follow-up comment kept, characters: a Telegram message's maximum (4096), so a typed
 * comment is always stored whole, as the product asks.
 */
export const MAX_COMMENT_LENGTH = 4096

/** Ports and settings of {@link createNpsService}. */
export interface NpsServiceDeps {
  readonly surveys: SurveyRepository
  readonly clock: Clock
  readonly program: Pick<Program, 'nps'>
}

/** The result of a score tap: what to ask next, and whether owners must be alerted. */
export interface ScoreOutcome {
  readonly survey: NpsSurvey
  readonly category: NpsCategory
  /** Translation key of the "why?" question worded by category. */
  readonly followUpKey: string
  /** False when a second tap arrived: the first score stands, nothing else to do. */
  readonly recorded: boolean
}

/**
 * NPS surveys: scheduling after a purchase (respecting consent and cooldown), taking exactly one
 * score per survey, and the optional comment. Alerting owners about detractors and offering the
 * invite link to promoters is the caller's job, from `category`.
 */
export function createNpsService({ surveys, clock, program }: NpsServiceDeps) {
  const rules = program.nps
  return {
    /**
     * Schedules the survey of a purchase; null when not eligible or within the cooldown.
     * `lastSurveyAt` is what the caller knows of the customer's latest survey: within the cooldown
     * nothing is asked of the repository; otherwise the repository's cooldown decides.
     */
    async scheduleAfterPurchase(
      origin: SurveyOrigin,
      candidate: { optedOut: boolean; reachable: boolean; lastSurveyAt?: Date | null },
    ): Promise<NpsSurvey | null> {
      const now = clock.now()
      const known = { ...candidate, lastSurveyAt: candidate.lastSurveyAt ?? null }
      if (!surveyEligibility(known, now, rules).eligible) return null
      return surveys.createIfNoneSince(planSurvey(origin, now, rules), cooldownStart(now, rules))
    },

    /**
     * Takes a score tap (0..10, validated); a repeated tap returns the first score unchanged.
     * `known` is the survey as the caller just read it; read here when absent.
     */
    async answer(
      surveyId: string,
      customerId: string,
      input: string | number,
      known?: NpsSurvey,
    ): Promise<ScoreOutcome> {
      const score = parseNpsScore(input)
      const now = clock.now()
      const found = known?.id === surveyId ? known : await surveys.findById(surveyId)
      if (found?.answer != null && found.customerId === customerId) {
        return outcome(found, false)
      }
      assertCanAnswer(found, customerId, now)
      const result = await surveys.recordScore(surveyId, score, now)
      if (result === null) throw new DomainError('NPS.SURVEY_NOT_FOUND', { surveyId })
      return outcome(result.survey, result.recorded)
    },

    /** Stores the follow-up comment (trimmed, at most {@link MAX_COMMENT_LENGTH}); empty text skips it. */
    async comment(surveyId: string, customerId: string, text: string): Promise<NpsSurvey | null> {
      const found = await surveys.findById(surveyId)
      if (found === null || found.customerId !== customerId) {
        throw new DomainError('NPS.SURVEY_NOT_FOUND', { surveyId })
      }
      const trimmed = text.trim().slice(0, MAX_COMMENT_LENGTH)
      return trimmed === '' ? found : surveys.recordComment(surveyId, trimmed)
    },
  }
}

/** The service made by {@link createNpsService}. */
export type NpsService = ReturnType<typeof createNpsService>

function outcome(survey: NpsSurvey, recorded: boolean): ScoreOutcome {
  const score = survey.answer?.score
  if (score === undefined) throw new RangeError(`Survey ${survey.id} has no score`)
  const category = npsCategory(score)
  return { survey, category, followUpKey: followUpKey(category), recorded }
}
