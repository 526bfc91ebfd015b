import { describe, expect, it } from 'vitest'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { createWorld, OWNER_ID, useInfrastructure, type World } from '../support/world.ts'
import {
  balanceOf,
  cardLink,
  entriesOf,
  inviteLink,
  joinedCustomer,
  twoOutletProgram,
} from './staff-fixtures.ts'

/**
 * Issue 10, "Authorization": every staff and owner command and every staff/owner button, replayed by
 * people who must not use it (a customer, staff of another outlet, a removed staff member), is refused
 * and changes nothing; the owner gets the normal answer. `/scan` rate limiting is covered by
 * staff-identify.test.ts ("stops accepting codes after 10 wrong ones in 10 minutes").
 */

useInfrastructure()

const NOT_ALLOWED = 'Эта команда вам недоступна.'
const STALE = 'Эта кнопка уже не действует.'
const APOLOGY = 'Ой, что-то пошло не так. Пожалуйста, попробуйте ещё раз через минуту.'

const OWNER_COMMANDS = [
  '/staff',
  '/audit',
  '/nps',
  '/stats',
  '/segments',
  '/export',
  '/program',
  '/broadcast',
]
const DESK_COMMANDS = ['/scan', '/undo']

/** What the owner sees for each command (texts without HTML markup). */
const OWNER_ANSWERS: Record<string, RegExp> = {
  '/staff': /👥 Сотрудники/,
  '/audit': /Последние операции/,
  '/nps': /NPS/,
  '/stats': /Статистика/,
  '/segments': /Сегменты/,
  '/export': /./,
  '/program': /Правила программы/,
  '/broadcast': /Напишите текст рассылки/,
  '/scan': /Наберите код с карты гостя/,
  '/undo': /Нечего отменять/,
}

/** callback_data of the inline buttons in the user's chat, newest message last. */
function payloads(user: FakeUser, prefix: string): string[] {
  const all = user
    .messages()
    .flatMap((message) => message.reply_markup?.inline_keyboard.flat() ?? [])
    .flatMap((button) => ('callback_data' in button && button.callback_data ? [button.callback_data] : []))
  return [...new Set(all.filter((data) => data.startsWith(prefix)))]
}

async function hire(world: World, owner: FakeUser, outlet: RegExp, id: number, name: string) {
  const user = world.user({ id, first_name: name, language_code: 'ru' })
  await user.openLink(await inviteLink(owner, outlet))
  expect(user.lastText()).toContain('Теперь вы сотрудник точки')
  return user
}

/** A program with a customer, a barista per outlet, a barista the owner removed, and the buttons they saw. */
async function staffedWorld() {
  const world = await createWorld({ env: { PROGRAM_FILE: twoOutletProgram() } })
  const owner = world.user({ id: OWNER_ID, first_name: 'Ольга', language_code: 'ru' })
  const boris = await hire(world, owner, /в центре/, 8101, 'Борис')
  const petr = await hire(world, owner, /в парке/, 8102, 'Пётр')
  const vera = await hire(world, owner, /в центре/, 8103, 'Вера')
  const anna = world.user({ id: 8104, first_name: 'Анна', language_code: 'ru' })
  const customer = await joinedCustomer(world, anna, { extraPoints: 200 })

  // Vera records a purchase, then the owner removes her.
  await vera.openLink(cardLink(world, customer))
  await vera.tap('🧾 Покупка')
  await vera.send('300')
  await vera.tap('Пропустить')
  await vera.tap('Без списания')
  expect(vera.lastText()).toContain('✅ Покупка')
  // Boris records one too, and keeps the customer's card open.
  await boris.openLink(cardLink(world, customer))
  await boris.tap('🧾 Покупка')
  await boris.send('500')
  await boris.tap('Пропустить')
  await boris.tap('Без списания')
  expect(boris.lastText()).toContain('✅ Покупка')
  await boris.openLink(cardLink(world, customer))
  const desk = payloads(boris, 'desk.')

  await owner.send('/staff')
  await owner.tap('📋 Список сотрудников')
  const ownerStaff = payloads(owner, 'ownst.')
  await owner.tap('❌ Вера')
  expect(owner.lastText()).toBe('Вера больше не сотрудник — доступ закрыт сразу.')
  await owner.send('/segments')
  const segments = payloads(owner, 'seg.')

  return { world, owner, boris, petr, vera, anna, customer, desk, ownerStaff, segments }
}

type Staffed = Awaited<ReturnType<typeof staffedWorld>>

/** What must not change when someone is refused: the customer's points and entries, the staff list. */
async function snapshot({ world, customer }: Staffed) {
  return {
    balance: await balanceOf(world, customer),
    entries: (await entriesOf(world, customer)).map((entry) => entry.id),
    staff: (await world.app.services.staffDesk.listStaff()).map((member) => member.telegramId).sort(),
  }
}

/** Sends a command and returns the bot's answers to it. */
async function answersTo(user: FakeUser, text: string): Promise<string[]> {
  const mark = user.mark()
  await user.send(text)
  return user.textsSince(mark)
}

/** Replays a callback payload and returns the callback answer's text and the messages that followed. */
async function replay(user: FakeUser, data: string) {
  const mark = user.mark()
  const answered = user.callbackAnswers().length
  await user.tapData(data)
  const answers = user.callbackAnswers().slice(answered)
  expect(answers, `callback ${data} by ${user.profile.first_name} answered once`).toHaveLength(1)
  return { answer: answers[0]!.text, texts: user.textsSince(mark) }
}

describe('authorization', () => {
  it('refuses every staff and owner command to a customer and a removed barista, and changes nothing', async () => {
    const staffed = await staffedWorld()
    const { anna, vera } = staffed
    const before = await snapshot(staffed)
    for (const user of [anna, vera]) {
      for (const command of [...DESK_COMMANDS, ...OWNER_COMMANDS]) {
        for (const text of [command, `${command} 7KQ2-MXH9`]) {
          expect(await answersTo(user, text), `${text} by ${user.profile.first_name}`).toEqual([NOT_ALLOWED])
        }
      }
    }
    expect(await snapshot(staffed)).toEqual(before)
  }, 60_000)

  it('refuses the owner commands to baristas of either outlet, and lets them use the desk', async () => {
    const staffed = await staffedWorld()
    const { boris, petr } = staffed
    const before = await snapshot(staffed)
    for (const user of [boris, petr]) {
      for (const command of OWNER_COMMANDS) {
        expect(await answersTo(user, command), `${command} by ${user.profile.first_name}`).toEqual([
          NOT_ALLOWED,
        ])
      }
      expect(await answersTo(user, '/scan')).toEqual([expect.stringMatching(OWNER_ANSWERS['/scan']!)])
    }
    // Petr of the park kiosk has no operation of his own: /undo does not touch Boris's purchase.
    expect(await answersTo(petr, '/undo')).toEqual([expect.stringMatching(OWNER_ANSWERS['/undo']!)])
    expect(await snapshot(staffed)).toEqual(before)
  }, 60_000)

  it('gives the owner the normal answer to every command', async () => {
    const staffed = await staffedWorld()
    const { owner } = staffed
    // /broadcast last: it waits for the text of the broadcast.
    for (const command of [...DESK_COMMANDS, ...OWNER_COMMANDS]) {
      const mark = owner.mark()
      const texts = await answersTo(owner, command)
      expect(texts, command).not.toContain(NOT_ALLOWED)
      expect(texts, command).not.toContain(APOLOGY)
      expect(owner.messagesSince(mark).length, command).toBeGreaterThan(0)
      expect(texts.join('\n'), command).toMatch(OWNER_ANSWERS[command]!)
    }
    expect(owner.messages().some((message) => message.document !== undefined)).toBe(true)
  }, 60_000)

  it('refuses replayed owner and desk buttons to those who may not press them, and changes nothing', async () => {
    const staffed = await staffedWorld()
    const { anna, boris, petr, vera, owner, desk, ownerStaff, segments } = staffed
    expect(desk.length).toBeGreaterThanOrEqual(2)
    expect(ownerStaff).toEqual(
      expect.arrayContaining(['ownst.1:invite:center', 'ownst.1:invite:park', 'ownst.1:list']),
    )
    expect(ownerStaff.some((data) => data.startsWith('ownst.1:rm:'))).toBe(true)
    expect(segments.length).toBeGreaterThan(0)
    const before = await snapshot(staffed)

    for (const user of [anna, boris, petr, vera]) {
      for (const data of [...ownerStaff, ...segments]) {
        const { answer, texts } = await replay(user, data)
        expect([NOT_ALLOWED, STALE], `${data} by ${user.profile.first_name}`).toContain(answer)
        expect(texts, `${data} by ${user.profile.first_name}`).toEqual([])
      }
    }
    for (const user of [anna, vera]) {
      for (const data of desk) {
        const { answer, texts } = await replay(user, data)
        expect([NOT_ALLOWED, STALE], `${data} by ${user.profile.first_name}`).toContain(answer)
        expect(texts, `${data} by ${user.profile.first_name}`).toEqual([])
      }
    }
    expect(await snapshot(staffed)).toEqual(before)
    expect(await staffed.world.app.services.staffDesk.actorOf(vera.id, false)).toBeNull()

    // The owner may: the staff list and the segments answer normally.
    for (const data of ['ownst.1:list', ...segments]) {
      const { answer, texts } = await replay(owner, data)
      expect(answer, data).not.toBe(NOT_ALLOWED)
      expect(answer, data).not.toBe(STALE)
      expect(texts.length, data).toBeGreaterThan(0)
      expect(texts, data).not.toContain(APOLOGY)
    }
  }, 90_000)

  it('lets only the customer asked answer a redemption request', async () => {
    const staffed = await staffedWorld()
    const { anna, boris, petr, vera, owner } = staffed
    await boris.openLink(cardLink(staffed.world, staffed.customer))
    await boris.tap('💳 Списать баллы')
    await boris.send('500')
    await boris.send('150')
    expect(anna.lastText()).toBe('Списать 150 баллов в Кофейня в центре?')
    const answers = payloads(anna, 'rdm.')
    expect(answers).toHaveLength(2)
    const before = await snapshot(staffed)
    for (const user of [boris, petr, vera, owner]) {
      for (const data of answers) {
        const { answer, texts } = await replay(user, data)
        expect(answer, `${data} by ${user.profile.first_name}`).toBe(STALE)
        expect(texts).toEqual([])
      }
    }
    expect(await snapshot(staffed)).toEqual(before)
    await anna.tap('Подтвердить')
    expect(await balanceOf(staffed.world, staffed.customer)).toBe(before.balance - 150)
  }, 60_000)
})

describe('unguessable tokens', () => {
  it('card tokens and staff invite tokens are long, random and never repeat', async () => {
    const w = await createWorld()
    const { customers } = w.app.services
    const cards: string[] = []
    for (let i = 0; i < 40; i += 1) {
      const record = await customers.ensure({
        telegramId: 9_100_000 + i,
        chatId: 9_100_000 + i,
        name: `Гость ${i}`,
        language: 'ru',
        tierId: w.config.program.tiers[0]!.id,
      })
      cards.push(record.cardToken)
    }
    const invites: string[] = []
    for (let i = 0; i < 40; i += 1)
      invites.push((await w.app.services.staffDesk.createInvite(OWNER_ID, 'main')).token)

    for (const [tokens, minLength] of [
      [cards, 32],
      [invites, 22],
    ] as const) {
      for (const token of tokens) {
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
        expect(token.length).toBeGreaterThanOrEqual(minLength)
      }
      // base64url: 6 bits a symbol, so at least 128 bits of randomness.
      expect(Math.min(...tokens.map((token) => token.length)) * 6).toBeGreaterThanOrEqual(128)
      expect(new Set(tokens).size).toBe(tokens.length)
      expect(new Set(tokens.map((token) => token.slice(0, 6))).size).toBe(tokens.length)
      // Symbols spread over the whole alphabet, not a counter or a timestamp.
      expect(new Set(tokens.join('')).size).toBeGreaterThan(56)
    }
    // The link the owner is given carries such a token.
    const owner = w.user({ id: OWNER_ID, first_name: 'Ольга', language_code: 'ru' })
    const link = await inviteLink(owner)
    expect(/start=s-([\w-]+)/.exec(link)?.[1]?.length).toBeGreaterThanOrEqual(22)
  }, 60_000)
})
