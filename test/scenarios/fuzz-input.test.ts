import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { createWorld, useInfrastructure, type World } from '../support/world.ts'
import { balanceOf, entriesOf, hireBarista, joinedCustomer } from './staff-fixtures.ts'

/**
 * Issue 10, "Bad input": whatever a user types, taps or opens, the bot answers (no silence), never
 * with the generic apology (an apology means an unhandled exception), and the customer's points stay
 * as they were. The runs are seeded, so a failure replays the same inputs.
 */

useInfrastructure()

const APOLOGIES = [
  'Ой, что-то пошло не так. Пожалуйста, попробуйте ещё раз через минуту.',
  'Oops, something went wrong. Please try again in a minute.',
]

/** Telegram's limit on a message text, in UTF-16 code units. */
const MAX_TEXT = 4096

/** Real callback prefixes of the bot's features (see `callbackCodec(...)` in src/bot). */
const FEATURES = [
  'lang',
  'dlg',
  'nps',
  'npsskip',
  'npsrep',
  'npsans',
  'npsx',
  'desk',
  'rdm',
  'ownst',
  'seg',
  'bcast',
  'card',
  'set',
  'hist',
  'hask',
  'forget',
]

const COMMANDS = [
  'start',
  'help',
  'language',
  'balance',
  'card',
  'history',
  'rewards',
  'invite',
  'settings',
  'privacy',
  'scan',
  'undo',
  'staff',
  'audit',
  'nps',
  'stats',
  'segments',
  'export',
  'program',
]

const sendable = (text: string) => text.trim().length > 0 && text.length <= MAX_TEXT

/** What a user may type: any unicode, emoji, very long texts, slash-commands with garbage. */
const anyText: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
    fc.string({ unit: 'grapheme', minLength: 1000, maxLength: MAX_TEXT }),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }).map((tail) => `/${tail}`),
    fc
      .tuple(fc.constantFrom(...COMMANDS), fc.string({ unit: 'grapheme', maxLength: 80 }))
      .map(([command, tail]) => `/${command} ${tail}`),
    fc.constantFrom('🎉', '👨‍👩‍👧‍👦', '\u200b x', 'ّ', '𝕳𝖊𝖑𝖑𝖔', '-1', '0', '1e309', 'NaN', '99999999999999999999'),
  )
  .filter(sendable)

const payloadChars = fc.string({
  unit: fc.constantFrom(...'abcdef0123456789xyzABZ_-:.'.split('')),
  maxLength: 50,
})

const hex = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength, maxLength })

/** Callback data of at most 64 bytes: random, or a mutation of a real feature's payload. */
function anyCallbackData(harvested: string[]): fc.Arbitrary<string> {
  const mutations =
    harvested.length === 0
      ? []
      : [
          fc
            .tuple(fc.constantFrom(...harvested), fc.nat(70), payloadChars)
            .map(([real, cut, tail]) => real.slice(0, cut) + tail),
          fc
            .tuple(
              fc.constantFrom(...harvested),
              fc.nat(63),
              fc.string({ unit: 'grapheme-ascii', maxLength: 1 }),
            )
            .map(([real, at, char]) => real.slice(0, at) + char + real.slice(at + 1)),
        ]
  return fc
    .oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
      fc
        .tuple(fc.constantFrom(...FEATURES), fc.nat(3), payloadChars)
        .map(([name, version, tail]) => `${name}.${version}:${tail}`),
      fc.tuple(fc.constantFrom('lang.1:', 'lang.0:'), fc.string({ maxLength: 8 })).map(([p, s]) => p + s),
      fc
        .tuple(fc.oneof(hex(20, 20), hex(0, 24)), fc.integer({ min: -5, max: 1000 }))
        .map(([ref, n]) => `nps.1:${ref}:${n}`),
      fc
        .tuple(fc.constantFrom('ok', 'no', 'cancel', 'yes', 'edit', 'back', ''), payloadChars)
        .map(([action, tail]) => `dlg.1:${action}:${tail}`),
      ...mutations,
    )
    .filter((data) => data.length > 0 && Buffer.byteLength(data) <= 64)
}

/** A `/start <payload>`: deep-link prefixes with random tails, and garbage. */
const anyDeepLink: fc.Arbitrary<string> = fc
  .oneof(
    fc
      .tuple(
        fc.constantFrom('c-', 's-', 'r-', 'C-', 'c', 's--', ''),
        fc.string({ unit: fc.constantFrom(...'abcdefXYZ0123456789_-'.split('')), maxLength: 64 }),
      )
      .map(([prefix, tail]) => prefix + tail),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
  )
  .map((payload) => `/start ${payload}`)
  .filter(sendable)

/** The users of one fuzzing world: a joined customer, a barista and the owner. */
async function fuzzWorld() {
  const world = await createWorld()
  const anna = world.user({ id: 5001, first_name: 'Анна', language_code: 'ru' })
  const customer = await joinedCustomer(world, anna, { extraPoints: 250 })
  const { owner, barista } = await hireBarista(world, { id: 5002, first_name: 'Борис', language_code: 'ru' })
  return { world, anna, customer, owner, barista }
}

/** Every callback_data the user's chat shows on inline buttons. */
function harvest(user: FakeUser): string[] {
  return [
    ...new Set(
      user
        .messages()
        .flatMap((message) => message.reply_markup?.inline_keyboard.flat() ?? [])
        .flatMap((button) =>
          'callback_data' in button && button.callback_data ? [button.callback_data] : [],
        ),
    ),
  ]
}

/** The ledger of the customer, to compare before and after. */
async function ledgerOf(world: World, customer: Awaited<ReturnType<typeof joinedCustomer>>) {
  return { balance: await balanceOf(world, customer), entries: (await entriesOf(world, customer)).length }
}

function noApology(texts: string[]): void {
  for (const apology of APOLOGIES) expect(texts).not.toContain(apology)
}

/** Sends a text and checks the bot answered it with something other than the apology. */
async function sendAndCheck(user: FakeUser, text: string): Promise<void> {
  const mark = user.mark()
  await user.send(text)
  const answers = user.textsSince(mark)
  const any = user.messagesSince(mark)
  expect(any.length, `no answer to ${JSON.stringify(text.slice(0, 200))}`).toBeGreaterThan(0)
  noApology(answers)
}

/** Sends a callback query and checks it was answered, without the apology anywhere. */
async function tapAndCheck(user: FakeUser, data: string): Promise<void> {
  const mark = user.mark()
  const answered = user.callbackAnswers().length
  await user.tapData(data)
  const answers = user.callbackAnswers().slice(answered)
  expect(answers.length, `callback ${JSON.stringify(data)} not answered`).toBeGreaterThan(0)
  noApology(answers.flatMap((answer) => answer.text ?? []))
  noApology(user.textsSince(mark))
}

const RUNS = 40

describe('bad input', () => {
  for (const role of ['customer', 'staff', 'owner'] as const) {
    it(`a ${role} typing, tapping and opening garbage always gets an answer, never the apology, and no points move`, async () => {
      const { world, anna, customer, owner, barista } = await fuzzWorld()
      const user = role === 'customer' ? anna : role === 'staff' ? barista : owner
      // Real buttons to mutate: the language picker, and the role's own menus.
      await user.send('/language')
      if (role === 'customer') await user.send('/settings')
      if (role === 'owner') await user.send('/staff')
      await user.send('/help')
      const harvested = harvest(user)
      expect(harvested.length).toBeGreaterThan(0)
      const before = await ledgerOf(world, customer)

      await fc.assert(
        fc.asyncProperty(anyText, (text) => sendAndCheck(user, text)),
        { numRuns: RUNS, seed: 10_001, endOnFailure: true },
      )
      await fc.assert(
        fc.asyncProperty(anyCallbackData(harvested), (data) => tapAndCheck(user, data)),
        { numRuns: RUNS, seed: 10_002, endOnFailure: true },
      )
      await fc.assert(
        fc.asyncProperty(anyDeepLink, (link) => sendAndCheck(user, link)),
        { numRuns: RUNS, seed: 10_003, endOnFailure: true },
      )

      expect(await ledgerOf(world, customer)).toEqual(before)
    }, 120_000)
  }
})
