import { describe, expect, it } from 'vitest'
import type { TestClock } from '../../src/domain/clock.ts'
import type { ChatMessage, UserProfile } from '../../src/sandbox/fake-telegram/index.ts'
import { OWNER_ID, useInfrastructure, type World } from '../support/world.ts'
import {
  advance,
  createNpsWorld,
  HOUR,
  hireStaff,
  joinedCustomer,
  recordPurchase,
  storedSurvey,
} from './nps-support.ts'

useInfrastructure()

/** A customer who bought something from Ольга at "У парка" two hours ago and now sees the survey. */
async function surveyedCustomer(world: World, clock: TestClock, profile: UserProfile) {
  const olga = await hireStaff(world, profile.id + 100_000, 'Ольга', 'park')
  const customer = await joinedCustomer(world, profile)
  const purchase = await recordPurchase(world, olga, customer.id)
  await advance(world, clock, 2 * HOUR)
  const question = await customer.user.waitFor(/порекомендуете|recommend/)
  return { ...customer, purchase, question }
}

/** The callback data of a button of a message. */
function dataOf(message: ChatMessage, label: string): string {
  const button = message.reply_markup?.inline_keyboard.flat().find((item) => item.text === label)
  const data = (button as { callback_data?: string } | undefined)?.callback_data
  if (!data) throw new Error(`no button ${label}`)
  return data
}

describe('a detractor and the owner', () => {
  it('answer 3 -> "what went wrong?" -> comment -> owner alert -> reply -> customer answer -> owner, handled', async () => {
    const { world, clock } = await createNpsWorld()
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/help')
    const anna = await surveyedCustomer(world, clock, { id: 7301, first_name: 'Анна', language_code: 'ru' })

    await anna.user.tap('3')
    expect(anna.user.lastText()).toContain('Что пошло не так?')
    expect(anna.user.inlineButtons()).toEqual(['Пропустить'])
    // Owners learn at once; the comment is added when the customer has written it.
    const early = await owner.waitFor('Низкая оценка: 3 из 10')
    expect(early.text).toContain('Клиент ещё пишет комментарий')
    expect(owner.inlineButtons()).toEqual(['✍️ Ответить'])
    // The question now shows the score and takes no second answer.
    const question = anna.user.messages().find((message) => message.message_id === anna.question.message_id)
    expect(question?.text).toContain('Ваша оценка: 3')
    expect(question?.reply_markup?.inline_keyboard.flat() ?? []).toEqual([])

    await anna.user.send('Кофе был холодный, ждали 20 минут')
    expect(anna.user.lastText()).toBe(
      'Спасибо, что рассказали. Мы передали ваш отзыв владельцу и постараемся всё исправить.',
    )
    expect((await storedSurvey(world, anna.purchase.id))?.answer).toMatchObject({
      score: 3,
      comment: 'Кофе был холодный, ждали 20 минут',
    })

    const alert = await owner.waitFor('Комментарий: Кофе был холодный')
    expect(alert.message_id).toBe(early.message_id)
    expect(alert.text).toContain('Клиент: Анна')
    expect(alert.text).toContain('Точка: У парка')
    expect(alert.text).toContain('Сотрудник: Ольга')
    expect(alert.text).toContain('Комментарий: Кофе был холодный, ждали 20 минут')
    expect(owner.inlineButtons()).toEqual(['✍️ Ответить'])

    await owner.tap('✍️ Ответить')
    expect(owner.lastText()).toContain('Напишите ответ для клиента (Анна)')
    await owner.send('Анна, простите! Следующий капучино за наш счёт.')
    expect(owner.lastText()).toBe('Ответ отправлен клиенту (Анна).')
    const editedAlert = owner.messages().find((message) => message.message_id === alert.message_id)
    expect(editedAlert?.text).toContain('✅ Обработано: ответил(а) Игорь')
    expect(editedAlert?.reply_markup?.inline_keyboard.flat() ?? []).toEqual([])

    const reply = await anna.user.waitFor('Ответ Кофейня Зерно на ваш отзыв')
    expect(reply.text).toContain('Анна, простите! Следующий капучино за наш счёт.')
    expect(anna.user.inlineButtons()).toEqual(['↩️ Ответить'])
    await anna.user.tap('↩️ Ответить')
    expect(anna.user.lastText()).toContain('Напишите ответ одним сообщением')
    await anna.user.send('Спасибо, зайду завтра')
    expect(anna.user.lastText()).toBe('Спасибо, ваш ответ передан владельцу.')

    const answer = await owner.waitFor('Клиент (Анна) ответил на ваш ответ')
    expect(answer.text).toContain('Спасибо, зайду завтра')

    const thread = await world.app.services.nps.findFeedback(
      (await storedSurvey(world, anna.purchase.id))?.ref ?? '',
    )
    expect(thread).toMatchObject({
      score: 3,
      comment: 'Кофе был холодный, ждали 20 минут',
      handledBy: { telegramId: OWNER_ID, name: 'Игорь' },
      reply: 'Анна, простите! Следующий капучино за наш счёт.',
      customerAnswer: 'Спасибо, зайду завтра',
    })
    expect(thread?.handledAt).toBeInstanceOf(Date)

    // The thread is short: a second answer is refused.
    await anna.user.tapData(dataOf(reply, '↩️ Ответить'), { messageId: reply.message_id })
    expect(anna.user.callbackAnswers().at(-1)?.text).toBe('Вы уже ответили. Спасибо!')
  })

  it('with two owners, the second one learns who already replied and sends nothing', async () => {
    const secondOwnerId = OWNER_ID + 1
    const { world, clock } = await createNpsWorld({ ownerIds: [OWNER_ID, secondOwnerId] })
    const igor = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    const maria = world.user({ id: secondOwnerId, first_name: 'Мария', language_code: 'ru' })
    await igor.send('/help')
    await maria.send('/help')
    const anna = await surveyedCustomer(world, clock, { id: 7302, first_name: 'Анна', language_code: 'ru' })
    await anna.user.tap('2')
    await anna.user.tap('Пропустить')

    const igorAlert = await igor.waitFor('Низкая оценка: 2 из 10')
    const mariaAlert = await maria.waitFor('Низкая оценка: 2 из 10')
    expect(mariaAlert.text).toContain('Без комментария.')

    // Мария opens the reply first, Игорь sends his first.
    await maria.tap('✍️ Ответить')
    await igor.tap('✍️ Ответить')
    await igor.send('Простите нас, исправимся.')
    await maria.send('Мы всё исправим!')
    expect(maria.lastText()).toBe('На этот отзыв уже ответил(а) Игорь.')

    // A late tap on Reply says the same.
    await maria.tapData(dataOf(mariaAlert, '✍️ Ответить'), { messageId: mariaAlert.message_id })
    expect(maria.callbackAnswers().at(-1)?.text).toBe('На этот отзыв уже ответил(а) Игорь.')

    const replies = anna.user.texts().filter((text) => text.includes('на ваш отзыв'))
    expect(replies).toHaveLength(1)
    expect(replies[0]).toContain('Простите нас, исправимся.')
    for (const [user, alert] of [
      [igor, igorAlert],
      [maria, mariaAlert],
    ] as const) {
      const edited = user.messages().find((message) => message.message_id === alert.message_id)
      expect(edited?.text).toContain('✅ Обработано: ответил(а) Игорь')
    }
  })
})

describe('a detractor and the owner in English', () => {
  it('answer 4 -> "What went wrong?" -> comment -> alert -> reply -> answer, all in English', async () => {
    const { world, clock } = await createNpsWorld()
    // The owner reads alerts in the language of their own record (Russian without one).
    const owner = await joinedCustomer(world, { id: OWNER_ID, first_name: 'Igor', language_code: 'en' })
    const kate = await surveyedCustomer(world, clock, { id: 7320, first_name: 'Kate', language_code: 'en' })
    await kate.user.tap('4')
    expect(kate.user.lastText()).toContain('What went wrong?')
    expect(kate.user.inlineButtons()).toEqual(['Skip'])
    await kate.user.send('The music was too loud')
    expect(kate.user.lastText()).toBe(
      'Thank you for telling us. We passed your feedback to the owner and will try to put it right.',
    )

    const alert = await owner.user.waitFor('Low score: 4 of 10')
    expect(alert.text).toContain('Customer: Kate')
    expect(alert.text).toContain('Outlet: У парка')
    expect(alert.text).toContain('Staff: Ольга')
    expect(alert.text).toContain('Comment: The music was too loud')
    await owner.user.tap('✍️ Reply')
    expect(owner.user.lastText()).toContain('Write your reply to the customer (Kate)')
    await owner.user.send('Sorry, Kate! We turned it down.')
    expect(owner.user.lastText()).toBe('Reply sent to the customer (Kate).')

    const reply = await kate.user.waitFor('Кофейня Зерно replied to your feedback')
    expect(reply.text).toContain('Sorry, Kate! We turned it down.')
    await kate.user.tap('↩️ Answer')
    await kate.user.send('Thanks, much better now')
    expect(kate.user.lastText()).toBe('Thank you, your answer was passed to the owner.')
    const answer = await owner.user.waitFor('The customer (Kate) answered your reply')
    expect(answer.text).toContain('Thanks, much better now')
    const edited = owner.user.messages().find((message) => message.message_id === alert.message_id)
    expect(edited?.text).toContain('✅ Handled: Igor replied')
  })
})

describe('a promoter', () => {
  it('answer 10 -> "what did you like most?" -> skip -> thanks and the invite link; no alert', async () => {
    const { world, clock } = await createNpsWorld()
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/help')
    const anna = await surveyedCustomer(world, clock, { id: 7303, first_name: 'Анна', language_code: 'ru' })
    await anna.user.tap('10')
    expect(anna.user.lastText()).toContain('Что вам понравилось больше всего?')
    const mark = anna.user.mark()
    await anna.user.tap('Пропустить')
    const customer = await world.app.services.customers.get(anna.id)
    const link = `https://t.me/${world.app.bot.botInfo.username}?start=r-${customer?.referralCode}`
    const texts = anna.user.textsSince(mark)
    expect(texts[0]).toBe('Спасибо! Нам очень приятно 😊')
    expect(texts[1]).toContain('вот ваша личная ссылка')
    expect(texts[1]).toContain(link)
    expect((await storedSurvey(world, anna.purchase.id))?.answer).toMatchObject({ score: 10, comment: null })
    expect(owner.texts().some((text) => text.includes('Низкая оценка'))).toBe(false)
  })
})

describe('the "why?" question in both languages', () => {
  const cases = [
    ['ru', 0, 'Что пошло не так?'],
    ['ru', 7, 'Что нам сделать, чтобы вы поставили 10?'],
    ['ru', 9, 'Что вам понравилось больше всего?'],
    ['en', 6, 'What went wrong?'],
    ['en', 8, 'What would make it a 10?'],
    ['en', 10, 'What did you like most?'],
  ] as const
  it.each(cases)('in %s, after %i it asks "%s" and stores a comment', async (lang, score, question) => {
    const { world, clock } = await createNpsWorld()
    const id = 7400 + score + (lang === 'en' ? 50 : 0)
    const customer = await surveyedCustomer(world, clock, { id, first_name: 'Kim', language_code: lang })
    if (lang === 'en')
      expect(customer.question.text).toContain('How likely are you to recommend Кофейня Зерно to a friend?')
    await customer.user.tap(String(score))
    expect(customer.user.lastText()).toContain(question)
    await customer.user.send('Just a comment')
    expect((await storedSurvey(world, customer.purchase.id))?.answer).toMatchObject({
      score,
      comment: 'Just a comment',
    })
  })
})

describe('leaving the "why?" step', () => {
  it('a command ends it without a comment and is answered as usual; later text is not a comment', async () => {
    const { world, clock } = await createNpsWorld()
    const anna = await surveyedCustomer(world, clock, { id: 7310, first_name: 'Анна', language_code: 'ru' })
    await anna.user.tap('7')
    const mark = anna.user.mark()
    await anna.user.send('/help')
    const texts = anna.user.textsSince(mark)
    expect(texts[0]).toBe('Спасибо за ответ! Он помогает нам становиться лучше.')
    expect(texts[1]).toContain('Что умеет бот')
    await anna.user.send('А вот и комментарий')
    expect((await storedSurvey(world, anna.purchase.id))?.answer).toMatchObject({ score: 7, comment: null })
  })
})

describe('one answer per survey', () => {
  it('a second tap, a forged score and someone else’s survey change nothing', async () => {
    const { world, clock } = await createNpsWorld()
    const anna = await surveyedCustomer(world, clock, { id: 7501, first_name: 'Анна', language_code: 'ru' })
    const nine = dataOf(anna.question, '9')
    await anna.user.tap('3')
    await anna.user.send('Долго ждали')

    await anna.user.tapData(nine, { messageId: anna.question.message_id })
    expect(anna.user.callbackAnswers().at(-1)?.text).toBe('Вы уже ответили на этот опрос. Спасибо!')
    await anna.user.tapData(nine.replace(/:9$/, ':11'), { messageId: anna.question.message_id })
    expect(anna.user.callbackAnswers().at(-1)?.text).toBe('Оценка — целое число от 0 до 10.')
    await anna.user.tapData('nps.1:0123456789abcdef0123:5', { messageId: anna.question.message_id })
    expect(anna.user.callbackAnswers().at(-1)?.text).toBe('Опрос не найден.')
    await anna.user.tapData('nps.1:not-a-ref', { messageId: anna.question.message_id })
    expect(anna.user.callbackAnswers().at(-1)?.text).toBe('Эта кнопка уже не действует.')

    // Борис taps a button of Анна's survey (a forwarded message, a forged update).
    const boris = await joinedCustomer(world, { id: 7502, first_name: 'Борис', language_code: 'ru' })
    await boris.user.tapData(nine, { messageId: boris.user.lastMessage()?.message_id })
    expect(boris.user.callbackAnswers().at(-1)?.text).toBe('Опрос не найден.')

    expect((await storedSurvey(world, anna.purchase.id))?.answer).toMatchObject({
      score: 3,
      comment: 'Долго ждали',
    })
  })

  it('an expired survey says so in place of its buttons and takes no answer', async () => {
    const { world, clock } = await createNpsWorld()
    const anna = await surveyedCustomer(world, clock, { id: 7503, first_name: 'Анна', language_code: 'ru' })
    await advance(world, clock, 71 * HOUR)
    await anna.user.tap('8') // still open an hour before the end
    expect(anna.user.lastText()).toContain('Что нам сделать, чтобы вы поставили 10?')

    const boris = await surveyedCustomer(world, clock, { id: 7504, first_name: 'Борис', language_code: 'ru' })
    await advance(world, clock, 72 * HOUR)
    const closed = await boris.user.waitFor('⌛ Опрос закрыт: время ответа истекло.')
    expect(closed.message_id).toBe(boris.question.message_id)
    expect(closed.reply_markup?.inline_keyboard.flat() ?? []).toEqual([])
    await boris.user.tapData(dataOf(boris.question, '8'), { messageId: boris.question.message_id })
    expect(boris.user.callbackAnswers().at(-1)?.text).toBe('Этот опрос уже закрыт. Спасибо!')
    expect((await storedSurvey(world, boris.purchase.id))?.answer).toBeNull()
    expect((await storedSurvey(world, boris.purchase.id))?.delivery.status).toBe('closed')

    // Анна's answered survey is left as it was.
    const answered = anna.user.messages().find((message) => message.message_id === anna.question.message_id)
    expect(answered?.text).toContain('Ваша оценка: 8')
  })

  it('a tap after the expiry is refused even before the survey was closed', async () => {
    const { world, clock } = await createNpsWorld()
    const anna = await surveyedCustomer(world, clock, { id: 7505, first_name: 'Анна', language_code: 'ru' })
    clock.advance(72 * HOUR) // the clock only: the closing job has not run
    await anna.user.tap('8')
    expect(anna.user.callbackAnswers().at(-1)?.text).toBe('Этот опрос уже закрыт. Спасибо!')
    const closed = anna.user.messages().find((message) => message.message_id === anna.question.message_id)
    expect(closed?.text).toContain('⌛ Опрос закрыт: время ответа истекло.')
    expect((await storedSurvey(world, anna.purchase.id))?.answer).toBeNull()
  })
})

describe('the comment', () => {
  it('asks for text after a sticker or a voice message and stores a very long text whole', async () => {
    const { world, clock } = await createNpsWorld()
    const owner = world.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/help')
    const anna = await surveyedCustomer(world, clock, { id: 7506, first_name: 'Анна', language_code: 'ru' })
    await anna.user.tap('5')
    const from = { id: anna.user.id, is_bot: false, first_name: 'Анна', language_code: 'ru' }
    const chat = { id: anna.user.id, type: 'private', first_name: 'Анна' }
    const date = Math.floor(Date.now() / 1000)
    const mark = anna.user.mark()
    await world.tg.deliverUpdate({
      update_id: 900_001,
      message: {
        message_id: 90_001,
        date,
        chat,
        from,
        sticker: {
          file_id: 'sticker-1',
          file_unique_id: 's1',
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
        },
      },
    })
    await world.tg.deliverUpdate({
      update_id: 900_002,
      message: {
        message_id: 90_002,
        date,
        chat,
        from,
        voice: { file_id: 'voice-1', file_unique_id: 'v1', duration: 4 },
      },
    })
    expect(anna.user.textsSince(mark)).toEqual([
      'Пожалуйста, напишите ответ текстом: голосовые сообщения и стикеры мы пока не читаем 🙏',
      'Пожалуйста, напишите ответ текстом: голосовые сообщения и стикеры мы пока не читаем 🙏',
    ])

    const long = `${'Очень длинный отзыв. '.repeat(190)}Конец.`
    expect(long.length).toBeGreaterThan(3500)
    await anna.user.send(long)
    expect((await storedSurvey(world, anna.purchase.id))?.answer?.comment).toBe(long)
    const alert = await owner.waitFor('Низкая оценка: 5 из 10')
    expect(alert.text).toContain('Комментарий — в отдельном сообщении.')
    expect(owner.texts()).toContain(long)
  })
})

describe('forgetting a customer who left feedback', () => {
  it('/forget erases the comment and the thread texts but keeps the score for the NPS figures', async () => {
    const { world, clock } = await createNpsWorld()
    const anna = await surveyedCustomer(world, clock, { id: 7391, first_name: 'Анна', language_code: 'ru' })
    await anna.user.tap('2')
    await anna.user.send('Грубый кассир, телефон +79990001122')
    const before = await storedSurvey(world, anna.purchase.id)
    expect(before?.answer?.comment).toBe('Грубый кассир, телефон +79990001122')

    await anna.user.send('/forget')
    await anna.user.tap('Да, удалить')
    expect(anna.user.lastText()).toContain('ваши данные удалены')

    const after = await storedSurvey(world, anna.purchase.id)
    expect(after?.answer).toMatchObject({ score: 2, comment: null })
    expect(after?.delivery.chatId).toBeNull()
    const feedback = await world.app.connection.db
      ?.collection('nps_feedback')
      .find({ customerId: anna.id })
      .toArray()
    expect(feedback).toHaveLength(1)
    expect(feedback?.[0]).toMatchObject({ score: 2, comment: null, reply: null, customerAnswer: null })
  })
})
