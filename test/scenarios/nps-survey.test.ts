import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createSurveyRepository } from '../../src/db/surveys.ts'
import { money } from '../../src/domain/money.ts'
import { cooldownStart, planSurvey } from '../../src/domain/nps-survey.ts'
import { useInfrastructure } from '../support/world.ts'
import { cardLink, hireBarista, joinedCustomer as joinedStaffCustomer } from './staff-fixtures.ts'
import {
  advance,
  closingJob,
  createNpsWorld,
  HOUR,
  hireStaff,
  joinedCustomer,
  MINUTE,
  queuedSurvey,
  recordPurchase,
  storedSurvey,
  surveyMessages,
  surveyWhen,
} from './nps-support.ts'

useInfrastructure()

const ANNA = { id: 7101, first_name: 'Анна', language_code: 'ru' }

describe('the survey after a purchase', () => {
  it('asks once, two hours after the purchase, with 0..10 buttons laid out in two rows', async () => {
    const { world, clock } = await createNpsWorld()
    const olga = await hireStaff(world, 7001, 'Ольга', 'park')
    const anna = await joinedCustomer(world, ANNA)
    const purchase = await recordPurchase(world, olga, anna.id)

    // Scheduled, attributed to the outlet, the staff member and the touchpoint; not asked yet.
    const survey = await storedSurvey(world, purchase.id)
    expect(survey).toMatchObject({
      outletId: 'park',
      staffId: '7001',
      touchpoint: 'purchase',
      answer: null,
      delivery: { status: 'scheduled' },
    })
    expect(survey?.sendAt.getTime()).toBe(clock.now().getTime() + 2 * HOUR)
    // Queued in the outbox under the survey's id, due then, not promotional (no 30-day cap); closed when it expires.
    expect(await queuedSurvey(world, purchase.id)).toMatchObject({
      category: 'nps',
      promotional: false,
      status: 'pending',
      dueAt: survey?.sendAt,
      expiresAt: survey?.expiresAt,
    })
    const job = await closingJob(world, `nps:${purchase.id}`)
    expect(job?.nextRunAt?.getTime()).toBeGreaterThan(Date.now() + 71 * HOUR)

    // A dispatch before the delay (a restart, another worker) sends nothing.
    await advance(world, clock, 119 * MINUTE)
    await world.app.services.outbox.dispatchDue()
    expect(surveyMessages(anna.user)).toHaveLength(0)
    expect((await storedSurvey(world, purchase.id))?.delivery.status).toBe('scheduled')

    await advance(world, clock, MINUTE)
    const question = await anna.user.waitFor('Насколько вероятно, что вы порекомендуете Кофейня Зерно другу?')
    expect(anna.user.inlineButtons()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'])
    const rows = question.reply_markup?.inline_keyboard.map((row) => row.map((button) => button.text))
    expect(rows).toEqual([
      ['0', '1', '2', '3', '4', '5'],
      ['6', '7', '8', '9', '10'],
    ])
    const sent = await surveyWhen(world, purchase.id, (stored) => stored.delivery.status === 'sent')
    expect(sent.delivery.messageId).toBe(question.message_id)

    // Replayed dispatches and the same purchase scheduled again never send it twice.
    await world.app.services.outbox.dispatchDue()
    await world.app.services.nps.scheduleAfterPurchase(purchase)
    await world.app.services.outbox.dispatchDue()
    expect(surveyMessages(anna.user)).toHaveLength(1)
  })

  it('a purchase recorded in the barista’s dialog brings the survey, attributed to the barista', async () => {
    const { world, clock } = await createNpsWorld()
    const { barista } = await hireBarista(world, { id: 7009, first_name: 'Борис', language_code: 'ru' })
    const anna = world.user({ ...ANNA, id: 7109 })
    const customer = await joinedStaffCustomer(world, anna)
    await barista.openLink(cardLink(world, customer))
    await barista.tap('🧾 Покупка')
    await barista.send('350')
    await barista.tap('Пропустить')
    await barista.tap('Без списания')
    expect(barista.lastText()).toContain('✅ Покупка')

    const purchase = await world.app.services.purchases.lastOf(customer.id)
    expect(purchase).not.toBeNull()
    expect(await storedSurvey(world, purchase!.id)).toMatchObject({
      outletId: 'center',
      staffId: '7009',
      touchpoint: 'purchase',
    })
    await advance(world, clock, 2 * HOUR)
    await anna.waitFor('Насколько вероятно, что вы порекомендуете Кофейня Зерно другу?')
    expect(surveyMessages(anna)).toHaveLength(1)
  })

  it('a restart between the purchase and the survey changes nothing: it is asked once, on time', async () => {
    const { world, clock } = await createNpsWorld()
    const olga = await hireStaff(world, 7010, 'Ольга', 'center')
    const anna = await joinedCustomer(world, { ...ANNA, id: 7110 })
    const purchase = await recordPurchase(world, olga, anna.id)
    await world.restart()
    await advance(world, clock, 2 * HOUR)
    await anna.user.waitFor('Насколько вероятно')
    await anna.user.tap('9')
    await world.restart()
    const mark = anna.user.mark()
    await anna.user.send('Вкусный кофе') // the why? step resumes from the database
    expect(anna.user.textsSince(mark)[0]).toBe('Спасибо! Нам очень приятно 😊')
    expect((await storedSurvey(world, purchase.id))?.answer).toMatchObject({
      score: 9,
      comment: 'Вкусный кофе',
    })
    expect(surveyMessages(anna.user)).toHaveLength(1)
  })

  it('five dispatches racing each other (several workers) send a due survey once', async () => {
    const { world, clock } = await createNpsWorld()
    const olga = await hireStaff(world, 7008, 'Ольга', 'center')
    const anna = await joinedCustomer(world, { ...ANNA, id: 7108 })
    await recordPurchase(world, olga, anna.id)
    clock.advance(2 * HOUR) // the clock only: nothing has been dispatched yet
    const { outbox } = world.app.services
    await Promise.all(Array.from({ length: 5 }, () => outbox.dispatchDue()))
    await anna.user.waitFor('Насколько вероятно')
    expect(surveyMessages(anna.user)).toHaveLength(1)
  })

  it('asks at most once per cooldown: a second purchase within 30 days schedules nothing', async () => {
    const { world, clock } = await createNpsWorld()
    const olga = await hireStaff(world, 7003, 'Ольга', 'center')
    const anna = await joinedCustomer(world, { ...ANNA, id: 7103 })
    const first = await recordPurchase(world, olga, anna.id)
    await advance(world, clock, 2 * HOUR)
    await anna.user.waitFor('Насколько вероятно')

    await advance(world, clock, 10 * 24 * HOUR)
    const second = await recordPurchase(world, olga, anna.id)
    expect(await storedSurvey(world, second.id)).toBeNull()
    expect(await queuedSurvey(world, second.id)).toBeNull()

    await advance(world, clock, 21 * 24 * HOUR)
    const third = await recordPurchase(world, olga, anna.id)
    expect(await storedSurvey(world, third.id)).toMatchObject({ delivery: { status: 'scheduled' } })
    expect(await storedSurvey(world, first.id)).not.toBeNull()
  })

  it('a receipt sent again after a crash between storing the survey and queuing it queues it, once', async () => {
    const { world, clock } = await createNpsWorld()
    const olga = await hireStaff(world, 7009, 'Ольга', 'center')
    const anna = await joinedCustomer(world, { ...ANNA, id: 7109 })
    const request = { customerId: anna.id, purchaseId: 'receipt:center:R-77', amount: money(50_000) }
    // The crash: the purchase and its survey were stored, the process died before queuing the survey.
    const { purchase } = await world.app.services.ledger.earnForPurchase({
      ...request,
      outletId: olga.outletId,
      actor: { role: 'staff', id: String(olga.telegramId) },
    })
    const surveys = await createSurveyRepository(world.app.connection)
    const rules = world.config.program.nps
    const origin = {
      customerId: anna.id,
      purchaseId: purchase.id,
      purchaseAt: purchase.createdAt,
      outletId: purchase.outletId,
      staffId: purchase.actor.id,
    }
    await surveys.createIfNoneSince(planSurvey(origin, clock.now(), rules), cooldownStart(clock.now(), rules))
    expect(await queuedSurvey(world, purchase.id)).toBeNull()

    for (let round = 0; round < 2; round += 1) {
      const again = await world.app.services.staffDesk.recordPurchase(olga, request)
      expect(again.outcome.replayed).toBe(true)
    }
    expect(await queuedSurvey(world, purchase.id)).toMatchObject({ status: 'pending' })
    await advance(world, clock, 2 * HOUR)
    await anna.user.waitFor('Насколько вероятно')
    expect(surveyMessages(anna.user)).toHaveLength(1)
  })

  it('does not ask a customer who switched NPS surveys off', async () => {
    const { world, clock } = await createNpsWorld()
    const olga = await hireStaff(world, 7004, 'Ольга', 'center')
    const anna = await joinedCustomer(world, { ...ANNA, id: 7104 })
    await world.app.services.customers.setConsent(anna.id, 'nps', false)
    const purchase = await recordPurchase(world, olga, anna.id)
    expect(await storedSurvey(world, purchase.id)).toBeNull()
    await advance(world, clock, 3 * HOUR)
    expect(surveyMessages(anna.user)).toHaveLength(0)
  })

  it('drops a survey already queued when the owner switched NPS off and restarted the bot', async () => {
    const { world, clock } = await createNpsWorld()
    const olga = await hireStaff(world, 7011, 'Ольга', 'center')
    const anna = await joinedCustomer(world, { ...ANNA, id: 7111 })
    const purchase = await recordPurchase(world, olga, anna.id)
    expect(await queuedSurvey(world, purchase.id)).toMatchObject({ status: 'pending' })
    const programFile = world.config.env.PROGRAM_FILE!
    writeFileSync(programFile, `${readFileSync(programFile, 'utf8')}nps:\n  enabled: false\n`)
    await world.restart()
    expect(world.config.program.nps.enabled).toBe(false)
    await advance(world, clock, 2 * HOUR)
    expect(await queuedSurvey(world, purchase.id)).toMatchObject({
      status: 'dropped',
      dropReason: 'disabled',
    })
    const dropped = await surveyWhen(world, purchase.id, (stored) => stored.delivery.status === 'dropped')
    expect(dropped.delivery.dropReason).toBe('disabled')
    expect(surveyMessages(anna.user)).toHaveLength(0)
  })

  it('drops a scheduled survey when the customer opts out before it is due', async () => {
    const { world, clock } = await createNpsWorld()
    const olga = await hireStaff(world, 7005, 'Ольга', 'center')
    const anna = await joinedCustomer(world, { ...ANNA, id: 7105 })
    const purchase = await recordPurchase(world, olga, anna.id)
    await world.app.services.customers.setConsent(anna.id, 'nps', false)
    await advance(world, clock, 2 * HOUR)
    expect(await queuedSurvey(world, purchase.id)).toMatchObject({
      status: 'dropped',
      dropReason: 'no_consent',
    })
    const dropped = await surveyWhen(world, purchase.id, (stored) => stored.delivery.status === 'dropped')
    expect(dropped.delivery.dropReason).toBe('opted_out')
    expect(surveyMessages(anna.user)).toHaveLength(0)
  })

  it('keeps quiet at night and asks at 10:00 Moscow time the next morning', async () => {
    const { world, clock } = await createNpsWorld({ start: '2026-03-02T20:30:00+03:00' })
    const olga = await hireStaff(world, 7006, 'Ольга', 'center')
    const anna = await joinedCustomer(world, { ...ANNA, id: 7106 })
    const purchase = await recordPurchase(world, olga, anna.id)

    await advance(world, clock, 2 * HOUR) // 22:30, inside quiet hours 21:00-10:00
    const morning = new Date('2026-03-03T07:00:00.000Z')
    expect(await queuedSurvey(world, purchase.id)).toMatchObject({ status: 'pending', dueAt: morning })
    await surveyWhen(
      world,
      purchase.id,
      (stored) => stored.delivery.deferredUntil?.getTime() === morning.getTime(),
    )
    expect(surveyMessages(anna.user)).toHaveLength(0)

    await advance(world, clock, 11 * HOUR) // 09:30: still quiet
    expect(surveyMessages(anna.user)).toHaveLength(0)

    await advance(world, clock, 30 * MINUTE) // 10:00
    await anna.user.waitFor('Насколько вероятно')
    expect(surveyMessages(anna.user)).toHaveLength(1)
  })

  it('never asks a survey that expired while it waited for the morning', async () => {
    const { world, clock } = await createNpsWorld({
      start: '2026-03-02T20:30:00+03:00',
      extraYaml: 'nps:\n  expiryHours: 1\n',
    })
    const olga = await hireStaff(world, 7011, 'Ольга', 'center')
    const anna = await joinedCustomer(world, { ...ANNA, id: 7111 })
    const purchase = await recordPurchase(world, olga, anna.id)
    await advance(world, clock, 2 * HOUR) // 22:30: quiet, deferred to 10:00, expiring at 23:30
    await advance(world, clock, 12 * HOUR) // 10:30
    expect(await queuedSurvey(world, purchase.id)).toMatchObject({ status: 'dropped', dropReason: 'expired' })
    await surveyWhen(world, purchase.id, (stored) => stored.delivery.dropReason === 'expired')
    expect(surveyMessages(anna.user)).toHaveLength(0)
  })

  it('marks a customer who blocked the bot unreachable and stops trying', async () => {
    const { world, clock } = await createNpsWorld()
    const olga = await hireStaff(world, 7007, 'Ольга', 'center')
    const anna = await joinedCustomer(world, { ...ANNA, id: 7107 })
    const purchase = await recordPurchase(world, olga, anna.id)
    world.tg.failNext('sendMessage', {
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    })
    await advance(world, clock, 2 * HOUR)
    expect(await queuedSurvey(world, purchase.id)).toMatchObject({
      status: 'dropped',
      dropReason: 'unreachable',
    })
    const dropped = await surveyWhen(world, purchase.id, (stored) => stored.delivery.status === 'dropped')
    expect(dropped.delivery.dropReason).toBe('unreachable')
    expect((await world.app.services.customers.get(anna.id))?.reachable).toBe(false)
    expect(surveyMessages(anna.user)).toHaveLength(0)
  })
})
