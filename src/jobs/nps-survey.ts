import type { Agenda } from 'agenda'
import type { Clock } from '../domain/clock.ts'
import { deliverSurvey, type NpsMessageDeps } from '../bot/features/nps-messages.ts'
import type { ScheduleSurveyDelivery } from '../services/nps.ts'

/** The job's name in Agenda's `jobs` collection; one job per survey (`data.surveyId`). */
export const NPS_SURVEY_JOB = 'nps-send-survey'

/** What the job carries. */
export interface NpsSurveyJobData {
  surveyId: string
}

/**
 * When Agenda should run something due at `at` on `clock`. Agenda compares with the system time;
 * the app's clock may be a test clock, so the remaining delay is carried over, not the instant.
 * With the system clock this is `at` itself.
 */
function agendaTime(clock: Clock, at: Date): Date {
  return new Date(Date.now() + Math.max(0, at.getTime() - clock.now().getTime()))
}

/**
 * Schedules (or moves) the one delivery job of a survey: unique by survey id, so scheduling a
 * purchase's survey twice keeps one job. Built before the bot, as the NPS service's port.
 */
export function createSurveyDeliveryScheduler(agenda: Agenda, clock: Clock): ScheduleSurveyDelivery {
  return async (surveyId, at) => {
    await agenda
      .create<NpsSurveyJobData>(NPS_SURVEY_JOB, { surveyId })
      .unique({ name: NPS_SURVEY_JOB, 'data.surveyId': surveyId })
      .schedule(agendaTime(clock, at))
      .save()
  }
}

/**
 * Sends a survey when its job is due: after the purchase's delay, deferred past quiet hours,
 * retried after a failed send; then closes it when it expires unanswered. Sending is claimed per survey (compare-and-set), so a restart, a
 * repeated run or a second worker never sends it twice.
 */
export function defineNpsSurveyJob(agenda: Agenda, deps: NpsMessageDeps & { clock: Clock }): void {
  agenda.define<NpsSurveyJobData>(NPS_SURVEY_JOB, async (job) => {
    const { surveyId } = job.attrs.data
    const result = await deliverSurvey(deps, surveyId, deps.clock.now())
    // Agenda saves the job after the run: a new nextRunAt set here is kept, no second job is made.
    if (result.kind === 'again') job.schedule(agendaTime(deps.clock, result.at))
  })
}
