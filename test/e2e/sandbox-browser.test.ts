import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeQrImage } from '../../src/bot/qr/decode.ts'
import { startSandboxProcess, type SandboxProcess } from '../support/sandbox-process.ts'
import { launchChromium, Phone, phoneContext } from './phone.ts'

/**
 * `npm start` with no token and no database, used in Chromium the way a person tries the product:
 * three phones (customer, owner, barista) on the sandbox page, every step a tap or typed text.
 */

/** Screenshots for a human to look at (test-results/ is not committed). */
const SCREENSHOTS = path.resolve('test-results', 'e2e')

/**
 * The café defaults, except that the survey comes right after the purchase and there are no quiet
 * hours (a non-transactional survey would otherwise wait for the morning when the test runs at night).
 */
const PROGRAM = `nps:
  delayMinutes: 0
messaging:
  quietHours: { start: '00:00', end: '00:00' }
`

let browser: Browser | undefined
let sandbox: SandboxProcess | undefined

/**
 * Chromium, the sandbox and a phone-sized context. Called inside the test, not in beforeAll: a
 * missing browser must count as a failed test (a failing beforeAll reports its tests as skipped).
 */
async function setUp(): Promise<{ url: string; context: BrowserContext }> {
  browser = await launchChromium()
  const programFile = path.join(mkdtempSync(path.join(tmpdir(), 'e2e-program-')), 'program.yaml')
  writeFileSync(programFile, PROGRAM)
  sandbox = await startSandboxProcess({ PROGRAM_FILE: programFile, LOG_LEVEL: 'warn' })
  return { url: sandbox.url, context: await phoneContext(browser) }
}

afterAll(async () => {
  await browser?.close()
  await sandbox?.stop()
})

describe('the sandbox in Chromium on phone-sized screens', () => {
  it('a customer joins and shows the card, a barista invited by the owner records a purchase and a confirmed redemption, the survey answer reaches the owner', async () => {
    const { url, context } = await setUp()

    // The customer opens the bot and joins: consent, Telegram name, no phone, no birthday.
    const anna = await Phone.open(context, url, { name: 'Анна', role: 'customer' })
    await anna.page.getByRole('button', { name: 'Start' }).click()
    await anna.botMessage('Здравствуйте, Анна!')
    await anna.tapReply('✅ Принимаю')
    await anna.botMessage('Как к вам обращаться?')
    await anna.tapReply('Оставить «Анна»')
    await anna.botMessage('Поделитесь номером телефона')
    await anna.tapReply('Пропустить')
    await anna.botMessage('Когда у вас день рождения?')
    await anna.tapReply('Пропустить')
    await anna.botMessage('Готово, Анна, вы в программе!')
    await anna.tapReply('💰 Баланс')
    expect(await anna.textOf(await anna.botMessage('Ваш баланс'))).toContain('Ваш баланс: 100 баллов')
    expect(await anna.usabilityProblems()).toEqual([])

    // The card: a QR image that a phone camera reads as the card's deep link.
    await anna.tapReply('💳 Моя карта')
    const card = await anna.botMessage('Покажите QR-код на кассе')
    const qr = card.locator('img.photo')
    await qr.waitFor({ state: 'visible' })
    // Resolves once the image is loaded and decoded; false when it cannot be.
    expect(
      await qr.evaluate((img) =>
        img.decode().then(
          () => img.naturalWidth > 0,
          () => false,
        ),
      ),
    ).toBe(true)
    expect(await anna.newestMessageInView()).toBe(true)
    const cardLink = decodeQrImage(await qr.screenshot())
    expect(cardLink).toMatch(/^https:\/\/t\.me\/\w+\?start=c-[\w-]+$/)

    // The owner invites a barista with a one-time link; the barista opens it on their phone.
    const olga = await Phone.open(context, url, { name: 'Ольга', role: 'owner' })
    await olga.send('/staff')
    await olga.tapInline('➕ Пригласить в «Кофейня»')
    const invite = await olga.textOf(await olga.botMessage('Ссылка-приглашение'))
    const inviteLink = /https:\/\/t\.me\/\S+\?start=s-[\w-]+/.exec(invite)?.[0]
    expect(inviteLink, invite).toBeDefined()

    const boris = await Phone.open(context, url, { name: 'Борис', role: 'staff' })
    await boris.openLink(inviteLink!)
    await boris.botMessage('Готово, Борис! Теперь вы сотрудник точки «Кофейня».')

    // The barista scans the card and records a purchase of 1 000 ₽: 3 % back.
    await boris.openLink(cardLink!)
    const summary = await boris.textOf(await boris.botMessage('👤 Анна'))
    expect(summary).toContain('Баланс: 100 баллов')
    await boris.tapInline('🧾 Покупка')
    await boris.botMessage('Сумма покупки для Анна?')
    await boris.send('1000')
    await boris.botMessage('Номер чека?')
    await boris.tapInline('Пропустить')
    await boris.botMessage('Списать баллы с этой покупки?')
    await boris.tapInline('Без списания')
    await boris.botMessage('✅ Покупка 1 000 ₽ записана. Анна: +30 баллов, баланс 130 баллов.')
    await anna.botMessage('🧾 Покупка в «Кофейня» на 1 000 ₽: +30 баллов, баланс 130.')

    // The barista asks to spend 100 points; nothing moves until the customer confirms on her phone.
    await boris.tapInline('💳 Списать баллы')
    await boris.botMessage('Сумма покупки, часть которой гость оплатит баллами?')
    await boris.send('500')
    await boris.botMessage('Сколько баллов списать? Можно до 130 баллов.')
    await boris.send('100')
    await boris.botMessage('Попросили Анна подтвердить списание 100 баллов. Ждём ответа…')
    await anna.botMessage('Списать 100 баллов в Кофейня?')
    await anna.tapInline('Подтвердить')
    await anna.botMessage('✅ Списано 100 баллов. Баланс: 30 баллов.')
    await boris.botMessage('✅ Анна подтвердил(а) списание 100 баллов. Баланс: 30 баллов.')
    await anna.tapReply('💰 Баланс')
    await anna.botMessage('Ваш баланс: 30 баллов')

    // The survey after the purchase: a 3 is a detractor, asked what went wrong; the owner is alerted.
    const survey = await anna.botMessage('Насколько вероятно, что вы порекомендуете Кофейня другу?')
    expect(await survey.locator('.inline-button').allInnerTexts()).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
    ])
    await anna.tapInline('3')
    await anna.botMessage('Что пошло не так?')
    await anna.send('Долго ждала кофе')
    await anna.botMessage('Спасибо, что рассказали.')
    const alert = await olga.textOf(await olga.botMessage('Комментарий: Долго ждала кофе'))
    expect(alert).toContain('Низкая оценка: 3 из 10')
    expect(alert).toContain('Клиент: Анна')
    expect(alert).toContain('Сотрудник: Борис')

    // The owner answers from the alert; the answer reaches the customer.
    await olga.tapInline('✍️ Ответить')
    await olga.botMessage('Напишите ответ для клиента (Анна)')
    await olga.send('Простите! Следующий кофе за наш счёт.')
    await olga.botMessage('Ответ отправлен клиенту (Анна).')
    await anna.botMessage('Простите! Следующий кофе за наш счёт.')

    // Every phone is still usable at the end, without a script error, and leaves a picture behind.
    mkdirSync(SCREENSHOTS, { recursive: true })
    for (const [name, phone] of [
      ['customer', anna],
      ['staff', boris],
      ['owner', olga],
    ] as const) {
      expect(await phone.usabilityProblems(), name).toEqual([])
      expect(phone.errors, name).toEqual([])
      await phone.screenshot(path.join(SCREENSHOTS, `${name}.png`))
    }
  }, 300_000)
})
