/**
 * The typical updates the benchmarks send, through the real bot as users make them: /help, /balance, a
 * purchase recorded by a barista (five updates: scanned card, Purchase, amount, no receipt, no points)
 * and a customer's answer to an NPS survey. Chats are readied through the services, not timed.
 */
import type { RunningApp } from '../src/app.ts'
import { InlineKeyboard } from 'grammy'
import { npsScoreButton, questionText, scoreButtonRows } from '../src/bot/features/nps-views.ts'
import { createSurveyRepository, surveyRefOf, type MongoSurveyRepository } from '../src/db/surveys.ts'
import { DEFAULT_LANGUAGE } from '../src/bot/i18n/index.ts'
import type { FakeUser } from '../src/sandbox/fake-telegram/index.ts'
import type { BenchScenario, BenchStack } from './bot.ts'

/** Joins a customer through the bot, skipping every optional step. */
export async function joinThroughBot(user: FakeUser, name: string): Promise<void> {
  await user.send('/start')
  await user.tap('✅ Принимаю')
  await user.tap(`Оставить «${name}»`)
  await user.tap('Пропустить')
  await user.tap('Пропустить')
}

/** A member who has written to the bot, with the welcome bonus; returns the customer id. */
export async function joinedCustomer({ app }: BenchStack, user: FakeUser): Promise<string> {
  const { membership } = app.services
  await user.send('/help')
  const opened = await membership.open({
    telegramId: user.id,
    chatId: user.id,
    firstName: user.profile.first_name,
    language: 'ru',
  })
  await membership.acceptRules(opened.id)
  await membership.finishJoin(opened.id)
  return opened.id
}

/** Makes `user` a barista of the first outlet, through an owner's invite as in the bot. */
export async function hireBarista({ app, config }: BenchStack, user: FakeUser): Promise<void> {
  await user.send('/help')
  const desk = app.services.staffDesk
  const invite = await desk.createInvite(1, config.program.outlets[0]!.id)
  const joined = await desk.joinByInvite(invite.token, { id: user.id, name: user.profile.first_name })
  if (!joined.ok) throw new Error(`could not hire ${user.id}: ${joined.reason}`)
}

/** The customer whose card each barista scans, by barista. */
const cardOfBarista = new Map<number, string>()

/** The deep link a phone camera opens on the customer's QR card. */
async function cardLinkOf(app: RunningApp, customerId: string): Promise<string> {
  const customer = await app.services.customers.get(customerId)
  if (!customer) throw new Error(`no customer ${customerId}`)
  return `https://t.me/${app.bot.botInfo.username}?start=c-${customer.cardToken}`
}

/** Sent survey questions waiting for the score tap, by customer. */
const questionsOf = new Map<number, { ref: string; messageId: number }[]>()
let surveyRepository: { app: RunningApp; surveys: Promise<MongoSurveyRepository> } | undefined
let surveyCounter = 0

/** Creates and sends `count` surveys to a member, the way the survey job does, and queues their taps. */
async function sendSurveys(stack: BenchStack, user: FakeUser, customerId: string, count: number) {
  const { app, config } = stack
  if (surveyRepository?.app !== app)
    surveyRepository = { app, surveys: createSurveyRepository(app.connection) }
  const surveys = await surveyRepository.surveys
  const t = app.i18n.getFixedT(DEFAULT_LANGUAGE)
  const queue: { ref: string; messageId: number }[] = []
  for (let i = 0; i < count; i++) {
    const now = app.services.clock.now()
    const id = `nps:bench-${(surveyCounter += 1)}-${customerId}`
    const survey = await surveys.createIfNoneSince(
      {
        id,
        customerId,
        purchaseId: null,
        outletId: config.program.outlets[0]!.id,
        staffId: null,
        touchpoint: 'purchase',
        createdAt: now,
        sendAt: now,
        expiresAt: new Date(now.getTime() + 7 * 24 * 3600_000),
        answer: null,
      },
      now,
    )
    if (!survey) throw new Error(`survey ${id} was not created`)
    const ref = surveyRefOf(id)
    const sent = await app.bot.api.sendMessage(user.id, questionText(t, config.program), {
      reply_markup: InlineKeyboard.from(
        scoreButtonRows(ref).map((row) =>
          row.map(({ labelKey, data }) => InlineKeyboard.text(t(labelKey), data)),
        ),
      ),
    })
    await surveys.markSent(id, user.id, sent.message_id, now)
    queue.push({ ref, messageId: sent.message_id })
  }
  await user.refresh()
  questionsOf.set(user.id, queue)
}

/** The updates of the whole-stack benchmark. */
export const TYPICAL_UPDATES: BenchScenario[] = [
  { name: '/help', steps: [{ update: '/help', send: (user) => user.send('/help') }] },
  {
    name: '/balance',
    prepare: (user) => joinThroughBot(user, user.profile.first_name),
    steps: [{ update: '/balance', send: (user) => user.send('/balance') }],
  },
  {
    name: 'purchase (5 updates)',
    async prepare(barista, stack) {
      await hireBarista(stack, barista)
      const customer = stack.tg.user({ id: barista.id + 50_000_000, first_name: 'Анна', language_code: 'ru' })
      cardOfBarista.set(barista.id, await cardLinkOf(stack.app, await joinedCustomer(stack, customer)))
    },
    steps: [
      {
        update: 'purchase: card scanned',
        send: (barista) => barista.openLink(cardOfBarista.get(barista.id)!),
      },
      { update: 'purchase: 🧾 Покупка', send: (barista) => barista.tap('🧾 Покупка') },
      { update: 'purchase: amount', send: (barista) => barista.send('350') },
      { update: 'purchase: no receipt', send: (barista) => barista.tap('Пропустить') },
      { update: 'purchase: no points, recorded', send: (barista) => barista.tap('Без списания') },
    ],
  },
  {
    name: 'NPS answer',
    async prepare(user, stack, rounds) {
      await sendSurveys(stack, user, await joinedCustomer(stack, user), rounds)
    },
    steps: [
      {
        update: 'NPS score 9',
        send: (user) => {
          const question = questionsOf.get(user.id)!.shift()!
          return user.tapData(npsScoreButton.encode({ ref: question.ref, score: '9' }), {
            messageId: question.messageId,
          })
        },
      },
    ],
  },
]
