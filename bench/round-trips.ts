/**
 * Database commands per typical update, counted on the embedded server: what one /help or /balance
 * costs in round-trips (the session read is one of them).
 */
import { startApp } from '../src/app.ts'
import { loadConfig } from '../src/config/index.ts'
import { startEmbeddedDb } from '../src/embedded-mongo/index.ts'
import { createLogger } from '../src/logger.ts'
import { startFakeTelegram, type FakeUser } from '../src/sandbox/fake-telegram/index.ts'

const FAST = { perChatPerSecond: 1e6, perChatBurst: 1e6, globalPerSecond: 1e6, globalBurst: 1e6 }

/** Joins a customer through the bot, skipping every optional step. */
export async function joinThroughBot(user: FakeUser, name: string): Promise<void> {
  await user.send('/start')
  await user.tap('✅ Принимаю')
  await user.tap(`Оставить «${name}»`)
  await user.tap('Пропустить')
  await user.tap('Пропустить')
}

/** Returns a table of commands per update for the typical customer updates. */
export async function runRoundTripBench(): Promise<string> {
  const db = await startEmbeddedDb({ port: 0 })
  const tg = await startFakeTelegram({ port: 0, limits: FAST })
  const app = await startApp({
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    logger: createLogger('silent'),
    token: '900000003:AARoundTripRoundTripRoundTripRoundTrip',
    mongoUri: db.uri,
    dbName: 'bench_round_trips',
    apiRoot: tg.apiRoot,
    source: { kind: 'webhook', secret: 'bench-secret-0123456789' },
    http: { port: 0 },
    pace: { globalPerSecond: 1e6, perChatPerSecond: 1e6, perChatBurst: 1e6 },
  })
  const lines = ['| update | database commands | by kind |', '|---|---|---|']
  try {
    const anna = tg.user({ id: 5, first_name: 'Anna', language_code: 'ru' })
    await joinThroughBot(anna, 'Anna')
    // Let the scheduler's own polling settle so it is not counted against the update.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    for (const command of ['/help', '/balance', '/history']) {
      const before = { ...db.commandCounts() }
      await anna.send(command)
      const diff = Object.entries(db.commandCounts())
        .map(([name, count]) => [name, count - (before[name] ?? 0)] as const)
        .filter(([name, count]) => count > 0 && name !== 'find' + '_agenda')
      const total = diff.reduce((sum, [, count]) => sum + count, 0)
      lines.push(`| ${command} | ${total} | ${diff.map(([name, count]) => `${name} ${count}`).join(', ')} |`)
    }
  } finally {
    await app.stop()
    await tg.stop()
    await db.stop()
  }
  return lines.join('\n')
}
