/**
 * Broadcast pacing: the owner's /broadcast to every member, through the real bot, its scheduler
 * (production polling interval) and the outbox, against the fake Bot API with Telegram's default
 * flood control (30 messages/s overall, 1/s per chat). Reports the achieved rate as a share of the
 * configured global rate, the 429s the bot ran into, and the time 10 000 customers would take.
 */
import { startApp } from '../src/app.ts'
import { TELEGRAM_PACE } from '../src/bot/create-bot.ts'
import { atLocalTime, localDate } from '../src/domain/calendar.ts'
import { loadConfig } from '../src/config/index.ts'
import { createLogger } from '../src/logger.ts'
import { DEFAULT_LIMITS, startFakeTelegram } from '../src/sandbox/fake-telegram/index.ts'
import { startDbProcess } from './bot.ts'

const CUSTOMERS = Number(process.env.PACING_CUSTOMERS ?? 1500)
const OWNER_ID = 990_001
const FIRST_CUSTOMER_ID = 3_000_000
const OFFER = 'Скидка 10% на капучино до воскресенья!'
/** Rate-limited calls of the Bot API: the ones that put a message into a chat. */
const MESSAGE_METHODS = new Set(['sendMessage', 'editMessageText', 'sendPhoto', 'sendDocument'])

const seconds = (ms: number): string => (ms / 1000).toFixed(1)

/** Runs the pacing benchmark and returns a printable report. */
export async function runPacingBench(): Promise<string> {
  const db = await startDbProcess()
  const tg = await startFakeTelegram({ port: 0, limits: DEFAULT_LIMITS })
  const config = loadConfig({ OWNER_IDS: String(OWNER_ID), LOG_LEVEL: 'silent' })
  // Broadcasts wait out the quiet hours: run the program's clock at its noon, still ticking.
  const zone = config.program.timeZone
  const shift = atLocalTime(localDate(new Date(), zone), { hour: 12, minute: 0 }, zone).getTime() - Date.now()
  const app = await startApp({
    clock: { now: () => new Date(Date.now() + shift) },
    config,
    logger: createLogger('silent'),
    token: '900000004:AAPacingPacingPacingPacingPacingPacing',
    mongoUri: db.uri,
    dbName: 'bench_pacing',
    apiRoot: tg.apiRoot,
    source: { kind: 'webhook', secret: 'bench-secret-0123456789' },
    http: { port: 0 },
  })
  try {
    const { customers, clock } = app.services
    const tierId = config.program.tiers[0]!.id
    const seedStarted = performance.now()
    let next = 0
    const seedOne = async (i: number) => {
      const id = FIRST_CUSTOMER_ID + i
      const user = tg.user({ id, first_name: `Гость ${i}`, language_code: 'ru' })
      // The customer started the bot long ago: their chat exists (no update is delivered for it).
      await user.unblock()
      const customer = await customers.ensure({
        telegramId: id,
        chatId: id,
        name: `Гость ${i}`,
        language: 'ru',
        tierId,
      })
      await customers.markJoined(customer.id, clock.now())
    }
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < CUSTOMERS) await seedOne(next++)
      }),
    )
    const seedMs = performance.now() - seedStarted

    const owner = tg.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    await owner.send('/broadcast')
    await owner.send(OFFER)
    await owner.tap('⏭ Без фото')
    await owner.tap('⏭ Без кнопки')
    await owner.tap('всем участникам')
    const confirmedAt = Date.now()
    await owner.tap('✅ Отправить')
    const report = await owner.waitFor(/Рассылка завершена/, { timeoutMs: 60_000 + CUSTOMERS * 200 })
    const doneAt = Date.now()

    const calls = tg.apiCalls().filter((call) => call.at >= confirmedAt)
    const delivered = calls
      .filter(
        (call) =>
          call.method === 'sendMessage' && call.ok && Number(call.params.chat_id) >= FIRST_CUSTOMER_ID,
      )
      .map((call) => call.at)
    const tooMany = calls.filter((call) => call.status === 429).length
    const first = delivered[0] ?? confirmedAt
    const last = delivered.at(-1) ?? first
    const windowMs = Math.max(1, last - first)
    // Every message-carrying call in the window counts against the global limit (progress edits too).
    const paced = calls.filter(
      (call) => call.ok && MESSAGE_METHODS.has(call.method) && call.at >= first && call.at <= last,
    ).length
    const rate = (Math.max(0, delivered.length - 1) * 1000) / windowMs
    const allRate = (Math.max(0, paced - 1) * 1000) / windowMs
    // The share is of Telegram's own limit, not of the bot's (slightly lower) pace.
    const global = DEFAULT_LIMITS.globalPerSecond
    const tenThousand = 10_000 / rate
    return [
      `Fake Bot API with Telegram's default limits (${DEFAULT_LIMITS.globalPerSecond}/s overall, burst ${DEFAULT_LIMITS.globalBurst}; ${DEFAULT_LIMITS.perChatPerSecond}/s per chat); the bot paced at ${TELEGRAM_PACE.globalPerSecond}/s overall, ${TELEGRAM_PACE.perChatPerSecond}/s per chat; scheduler polling as in production.`,
      `${CUSTOMERS} members seeded through the repositories in ${seconds(seedMs)} s; the owner's /broadcast to all of them.`,
      '',
      '| figure | value |',
      '|---|---|',
      `| broadcast messages delivered | ${delivered.length} of ${CUSTOMERS} |`,
      `| first to last delivery | ${seconds(windowMs)} s |`,
      `| broadcast messages/s | ${rate.toFixed(1)} (${((rate / global) * 100).toFixed(1)}% of ${global}/s) |`,
      `| all paced calls/s (with progress edits) | ${allRate.toFixed(1)} (${((allRate / global) * 100).toFixed(1)}%) |`,
      `| 429 answers | ${tooMany} |`,
      `| confirm to final report | ${seconds(doneAt - confirmedAt)} s |`,
      `| 10 000 customers at this rate | ${seconds(tenThousand * 1000)} s (${(tenThousand / 60).toFixed(1)} min) |`,
      '',
      `Final report: ${JSON.stringify(report.text)}`,
    ].join('\n')
  } finally {
    await app.stop()
    await tg.stop()
    db.child.kill('SIGTERM')
  }
}
