import { PNG } from 'pngjs'
import { expect } from 'vitest'
import { money } from '../../src/domain/money.ts'
import { points } from '../../src/domain/points.ts'
import type { TestClock } from '../../src/domain/clock.ts'
import { surveyRefOf } from '../../src/db/surveys.ts'
import { OWNER_DIGEST_JOB } from '../../src/jobs/owner-digest.ts'
import type { ChatMessage, FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import type { World } from '../support/world.ts'
import { advance, eventually, HOUR, hireStaff, joinedCustomer, recordPurchase } from './nps-support.ts'

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/**
 * Two days of a café, starting Monday 2 March 2026 at noon in Moscow:
 * 2 March — Анна joins (+100 welcome), buys for 1 000 ₽ (+30 points), rates 10.
 * 3 March — Борис joins (+100), buys for 500 ₽ (+15), rates 3 and writes "Холодный кофе";
 *           at 23:30 Анна buys for 2 000 ₽ paying 50 points (1 950 ₽ paid: +58 points).
 * The clock is left at 4 March, 09:00 (the digest hour).
 */
export async function seedTwoDays(world: World, clock: TestClock) {
  const { nps, ledger } = world.app.services
  const olga = await hireStaff(world, 7701, 'Ольга', 'park')
  const anna = await joinedCustomer(world, { id: 7711, first_name: 'Анна', language_code: 'ru' })
  const first = await recordPurchase(world, olga, anna.id, 1000)
  await nps.answer(surveyRefOf(`nps:${first.id}`), 7711, '10')
  await advance(world, clock, 24 * HOUR)
  const boris = await joinedCustomer(world, { id: 7712, first_name: 'Борис', language_code: 'ru' })
  const second = await recordPurchase(world, olga, boris.id, 500)
  const ref = surveyRefOf(`nps:${second.id}`)
  await nps.answer(ref, 7712, '3')
  await nps.openFeedback(ref)
  await nps.comment(ref, 7712, 'Холодный кофе')
  await nps.finishFeedback(ref)
  await advance(world, clock, 11.5 * HOUR)
  await ledger.earnForPurchase({
    customerId: anna.id,
    purchaseId: 'op:late-evening',
    amount: money(200_000),
    redeem: points(50),
    outletId: 'park',
    actor: { role: 'staff', id: '7701' },
  })
  await advance(world, clock, 9.5 * HOUR)
}

/** Runs the digest job now and waits until it finished. */
export async function runDigestJob(world: World): Promise<void> {
  const job = await world.app.scheduler.now(OWNER_DIGEST_JOB)
  const id = job.attrs._id
  const jobs = world.app.connection.db!.collection<{ lastFinishedAt?: Date }>('jobs')
  await eventually(async () => {
    const stored = await jobs.findOne({ _id: id as never })
    return stored === null || stored.lastFinishedAt !== undefined
  })
}

/** The text with no-break spaces (money formatting) as plain ones. */
export function plain(text: string | undefined): string | undefined {
  return text?.replace(/[\u00a0\u202f]/g, ' ')
}

/** Checks that a photo message holds the 1080x720 PNG chart of a sensible size. */
export async function expectChartPhoto(user: FakeUser, message: ChatMessage): Promise<void> {
  const photo = message.photo?.at(-1)
  expect(photo).toBeDefined()
  const png = await user.download(photo!.file_id)
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true)
  expect(png.length).toBeGreaterThan(5_000)
  expect(png.length).toBeLessThan(500_000)
  expect(png.readUInt32BE(16)).toBe(1080)
  expect(png.readUInt32BE(20)).toBe(720)
}

/** A small PNG photo (a flat coffee-brown 320x200 picture), as an owner would send for a broadcast. */
export function samplePhoto(): Buffer {
  const image = new PNG({ width: 320, height: 200 })
  for (let i = 0; i < image.data.length; i += 4) image.data.set([0x6f, 0x4e, 0x37, 0xff], i)
  return PNG.sync.write(image)
}

/** The bot's photo messages in a chat: caption, file and inline buttons as the customer sees them. */
export function photosOf(user: FakeUser) {
  return user
    .messages()
    .filter((message) => message.photo !== undefined)
    .map((message) => ({
      caption: message.caption,
      fileId: message.photo!.at(-1)!.file_id,
      buttons: message.reply_markup?.inline_keyboard ?? [],
    }))
}
