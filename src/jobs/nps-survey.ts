import type { Agenda } from 'agenda'
import type { Clock } from '../domain/clock.ts'
import { closeSurvey, type NpsMessageDeps } from '../bot/features/nps-messages.ts'
import type { ScheduleSurveyClosing } from '../services/nps.ts'

/**
 * The job's name in Agenda's `jobs` collection; one job per survey (`data.surveyId`). The question
 * itself goes out through the outbox (src/services/nps.ts); this job closes the survey when it expires.
 */
export const NPS_CLOSE_SURVEY_JOB = 'nps-close-survey'

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
 * Schedules (or moves) the one closing job of a survey: unique by survey id, so scheduling a
 * purchase's survey twice keeps one job. Built before the bot, as the NPS service's port.
 */
export function createSurveyClosingScheduler(agenda: Agenda, clock: Clock): ScheduleSurveyClosing {
  return async (surveyId, at) => {
    await agenda
      .create<NpsSurveyJobData>(NPS_CLOSE_SURVEY_JOB, { surveyId })
      .unique({ name: NPS_CLOSE_SURVEY_JOB, 'data.surveyId': surveyId })
      .schedule(agendaTime(clock, at))
      .save()
  }
}

/**
 * Closes a survey when it expires unanswered: its buttons give way to "this survey is closed".
 * Closing is a compare-and-set per survey, so a restart, a repeated run or a second worker close it once.
 */
export function defineNpsCloseSurveyJob(agenda: Agenda, deps: NpsMessageDeps & { clock: Clock }): void {
  agenda.define<NpsSurveyJobData>(NPS_CLOSE_SURVEY_JOB, async (job) => {
    const result = await closeSurvey(deps, job.attrs.data.surveyId)
    // Agenda saves the job after the run: a new nextRunAt set here is kept, no second job is made.
    if (result.kind === 'again') job.schedule(agendaTime(deps.clock, result.at))
  })
}
