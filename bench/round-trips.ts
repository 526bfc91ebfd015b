/**
 * Database commands per typical update, counted on the embedded server: what /help, /balance, /history,
 * each update of a purchase at the desk and an NPS answer cost in round-trips (taking the update on,
 * with its session, is one of them).
 */
import { startApp } from '../src/app.ts'
import { loadConfig } from '../src/config/index.ts'
import { startEmbeddedDb } from '../src/embedded-mongo/index.ts'
import { createLogger } from '../src/logger.ts'
import { startFakeTelegram } from '../src/sandbox/fake-telegram/index.ts'
import type { BenchScenario, BenchStack } from './bot.ts'
import { TYPICAL_UPDATES } from './typical-updates.ts'

const FAST = { perChatPerSecond: 1e6, perChatBurst: 1e6, globalPerSecond: 1e6, globalBurst: 1e6 }

const HISTORY: BenchScenario = {
  name: '/history',
  prepare: (user, stack) => TYPICAL_UPDATES[1]!.prepare!(user, stack, 1),
  steps: [{ update: '/history', send: (user) => user.send('/history') }],
}

/** Returns a table of commands per update for the typical updates (the second round of each scenario). */
export async function runRoundTripBench(): Promise<string> {
  const db = await startEmbeddedDb({ port: 0 })
  const tg = await startFakeTelegram({ port: 0, limits: FAST })
  const config = loadConfig({ LOG_LEVEL: 'silent' })
  const app = await startApp({
    config,
    logger: createLogger('silent'),
    token: '900000003:AARoundTripRoundTripRoundTripRoundTrip',
    mongoUri: db.uri,
    dbName: 'bench_round_trips',
    apiRoot: tg.apiRoot,
    source: { kind: 'webhook', secret: 'bench-secret-0123456789' },
    http: { port: 0 },
    pace: { globalPerSecond: 1e6, perChatPerSecond: 1e6, perChatBurst: 1e6 },
  })
  const stack: BenchStack = { app, tg, config }
  const lines = ['| update | database commands | by kind |', '|---|---|---|']
  try {
    let nextId = 5
    for (const scenario of [...TYPICAL_UPDATES, HISTORY]) {
      const user = tg.user({ id: (nextId += 1), first_name: 'Anna', language_code: 'ru' })
      await scenario.prepare?.(user, stack, 2)
      // The first round warms up (a first purchase of a customer does more); the second is counted.
      for (const step of scenario.steps) await step.send(user)
      // Let the scheduler's own polling settle so it is not counted against the update.
      await new Promise((resolve) => setTimeout(resolve, 1500))
      for (const step of scenario.steps) {
        const before = { ...db.commandCounts() }
        await step.send(user)
        const diff = Object.entries(db.commandCounts())
          .map(([name, count]) => [name, count - (before[name] ?? 0)] as const)
          .filter(([, count]) => count > 0)
        const total = diff.reduce((sum, [, count]) => sum + count, 0)
        lines.push(
          `| ${step.update} | ${total} | ${diff.map(([name, count]) => `${name} ${count}`).join(', ')} |`,
        )
      }
    }
  } finally {
    await app.stop()
    await tg.stop()
    await db.stop()
  }
  return lines.join('\n')
}
