import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect } from 'vitest'
import { createTestClock, type TestClock } from '../../src/domain/clock.ts'
import { money } from '../../src/domain/money.ts'
import { surveyRefOf, type StoredSurvey } from '../../src/db/surveys.ts'
import { NPS_CLOSE_SURVEY_JOB } from '../../src/jobs/nps-survey.ts'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import type { DeskActor } from '../../src/services/staff-desk.ts'
import { createWorld, OWNER_ID, type World } from '../support/world.ts'

/** A program with two outlets, so reports and alerts name them. */
export const PROGRAM_YAML = `
shopName: Кофейня Зерно
timeZone: Europe/Moscow
outlets:
  - id: center
    name: Центральная
  - id: park
    name: У парка
`

/** Monday 2 March 2026, 12:00 in Moscow: outside quiet hours (21:00-10:00). */
export const NOON_MOSCOW = '2026-03-02T12:00:00+03:00'

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE

/** A world on {@link PROGRAM_YAML} (plus `extraYaml`) with a test clock. */
export async function createNpsWorld(
  options: { extraYaml?: string; start?: string; ownerIds?: number[] } = {},
): Promise<{ world: World; clock: TestClock }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nps-'))
  const file = path.join(dir, 'program.yaml')
  writeFileSync(file, PROGRAM_YAML + (options.extraYaml ?? ''))
  const clock = createTestClock(options.start ?? NOON_MOSCOW)
  const env: Record<string, string> = { PROGRAM_FILE: file }
  if (options.ownerIds) env.OWNER_IDS = options.ownerIds.join(',')
  const world = await createWorld({ env, clock })
  return { world, clock }
}

/** A member of the program who has written to the bot (so the bot may write to them). */
export { member as joinedCustomer } from './greetings-support.ts'

/** A staff member of an outlet, added through an owner's invite like in the bot. */
export async function hireStaff(
  world: World,
  telegramId: number,
  name: string,
  outletId: string,
): Promise<DeskActor> {
  const desk = world.app.services.staffDesk
  const invite = await desk.createInvite(OWNER_ID, outletId)
  const joined = await desk.joinByInvite(invite.token, { id: telegramId, name })
  expect(joined.ok).toBe(true)
  return { telegramId, role: 'staff', outletId }
}

let purchaseCounter = 0

/** Records a purchase at the desk the way the staff dialog does (amount in roubles). */
export async function recordPurchase(world: World, actor: DeskActor, customerId: string, roubles = 500) {
  purchaseCounter += 1
  const result = await world.app.services.staffDesk.recordPurchase(actor, {
    customerId,
    purchaseId: `op:test-${purchaseCounter}-${Date.now()}`,
    amount: money(roubles * 100),
  })
  return result.outcome.purchase
}

/** Polls until `check` returns a value other than undefined, null or false (jobs run asynchronously). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== null && value !== false) return value
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function jobs(world: World) {
  const db = world.app.connection.db
  if (!db) throw new Error('no database')
  return db.collection<{ name: string; data: unknown; nextRunAt: Date | null; lastFinishedAt?: Date }>('jobs')
}

/**
 * Moves time forward: the app's clock, and every pending Agenda job by the same amount, so jobs
 * that became due run on the scheduler's next poll (200 ms in tests) as if the time had passed;
 * then the outbox sends what fell due, as its every-5-seconds dispatch job would.
 */
export async function advance(world: World, clock: TestClock, ms: number): Promise<void> {
  clock.advance(ms)
  const collection = jobs(world)
  for (const job of await collection.find({ nextRunAt: { $ne: null } }).toArray()) {
    if (!job.nextRunAt) continue
    await collection.updateOne(
      { _id: job._id },
      { $set: { nextRunAt: new Date(job.nextRunAt.getTime() - ms) } },
    )
  }
  await world.app.services.outbox.dispatchDue()
}

/** The closing job of a survey (it closes the survey when it expires), if any. */
export async function closingJob(world: World, surveyId: string) {
  return jobs(world).findOne({ name: NPS_CLOSE_SURVEY_JOB, 'data.surveyId': surveyId })
}

/**
 * The survey's question as queued in the outbox (key = survey id), once no dispatcher holds it
 * (the dispatch job may be sending or deferring it at this very moment).
 */
export function queuedSurvey(world: World, purchaseId: string) {
  return eventually(async () => {
    const message = await world.app.services.outbox.find(`nps:${purchaseId}`)
    return message === null ? 'none' : message.status === 'sending' ? undefined : message
  }).then((found) => (found === 'none' ? null : found))
}

/** The stored survey once its delivery state satisfies `check` (the outbox reports it after sending). */
export function surveyWhen(world: World, purchaseId: string, check: (survey: StoredSurvey) => boolean) {
  return eventually(async () => {
    const survey = await storedSurvey(world, purchaseId)
    return survey && check(survey) ? survey : undefined
  })
}

/** The survey of a purchase as stored, with its delivery state. */
export function storedSurvey(world: World, purchaseId: string): Promise<StoredSurvey | null> {
  return world.app.services.nps.surveyOfRef(surveyRefOf(`nps:${purchaseId}`)).catch(() => null)
}

/** Bot messages in the chat that ask the NPS question (Russian or English). */
export function surveyMessages(user: FakeUser) {
  return user.messages().filter((message) => /порекомендуете|recommend/.test(message.text ?? ''))
}
