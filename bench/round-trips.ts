/**
 * Database commands per typical update: what /help, /balance, /history, each update of a purchase at
 * the desk and an NPS answer cost in round-trips (taking the update on, with its session, is one).
 *
 * How they are counted, and why that is honest: the app runs on the embedded server as usual, with the
 * driver's command monitoring switched on by the connection string (`monitorCommands=true`; the product
 * code is unchanged). Every command the driver sends is one round-trip to the server. The bench runs
 * each update's handling (`bot.handleUpdate`, which the webhook awaits before answering Telegram) inside
 * an AsyncLocalStorage context, and a command is charged to an update when it was issued from that
 * context: `await` keeps the context, so whatever the handler awaits is counted, and nothing else is.
 * Agenda's polling and job runs it started on its own timers, the outbox dispatch and the driver's
 * monitoring of the server run outside any update and are not charged (the old way, counting all the
 * server received while the update ran, charged the purchase with ~90 commands of Agenda's polling).
 * Work the update started but did not await (fire-and-forget, e.g. a job Agenda runs at once because the
 * update scheduled it as due) still carries the update's context: it is reported apart, as "after the
 * answer". What an update queues for later (the purchase's NPS survey: one outbox message and one Agenda
 * job, both written during the update and so counted in it) costs the dispatch's commands when it is due.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { CommandStartedEvent } from 'mongodb'
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

/** The commands one update issued: while it was handled, and after the bot had answered. */
interface UpdateCommands {
  answered: boolean
  handling: string[]
  after: string[]
}

/** `find customers`, or just the command's name when it names no collection (commitTransaction). */
function describe(event: CommandStartedEvent): string {
  const target: unknown = event.command[event.commandName]
  return typeof target === 'string' ? `${event.commandName} ${target}` : event.commandName
}

/** `find customers 2, update ledger_balances 1`, in the order first issued. */
function byKind(commands: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const command of commands) counts.set(command, (counts.get(command) ?? 0) + 1)
  return [...counts].map(([command, count]) => `${command} ${count}`).join(', ')
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
    mongoUri: `${db.uri}&monitorCommands=true`,
    dbName: 'bench_round_trips',
    apiRoot: tg.apiRoot,
    source: { kind: 'webhook', secret: 'bench-secret-0123456789' },
    http: { port: 0 },
    pace: { globalPerSecond: 1e6, perChatPerSecond: 1e6, perChatBurst: 1e6 },
  })
  const updates = new AsyncLocalStorage<UpdateCommands>()
  let unattributed = 0
  app.connection.getClient().on('commandStarted', (event) => {
    const update = updates.getStore()
    if (update) (update.answered ? update.after : update.handling).push(describe(event))
    else unattributed += 1
  })
  let current: UpdateCommands | undefined
  const handleUpdate = app.bot.handleUpdate.bind(app.bot)
  app.bot.handleUpdate = (update, webhookReply) => {
    const commands: UpdateCommands = (current = { answered: false, handling: [], after: [] })
    return updates.run(commands, async () => {
      try {
        return await handleUpdate(update, webhookReply)
      } finally {
        commands.answered = true
      }
    })
  }

  const stack: BenchStack = { app, tg, config }
  const lines = [
    '| update | round-trips | by command and collection | after the answer |',
    '|---|---|---|---|',
  ]
  let background = 0
  try {
    let nextId = 5
    for (const scenario of [...TYPICAL_UPDATES, HISTORY]) {
      const user = tg.user({ id: (nextId += 1), first_name: 'Anna', language_code: 'ru' })
      await scenario.prepare?.(user, stack, 2)
      // The first round warms up (a first purchase of a customer does more); the second is counted.
      for (const step of scenario.steps) await step.send(user)
      for (const step of scenario.steps) {
        const unattributedBefore = unattributed
        current = undefined
        await step.send(user)
        // Work the update left running may still be issuing commands; give it a moment to finish.
        await new Promise((resolve) => setTimeout(resolve, 300))
        const commands = current as UpdateCommands | undefined
        if (!commands) throw new Error(`${step.update}: the bot handled no update`)
        const after = commands.after.length > 0 ? `${commands.after.length}: ${byKind(commands.after)}` : '-'
        lines.push(
          `| ${step.update} | ${commands.handling.length} | ${byKind(commands.handling)} | ${after} |`,
        )
        background += unattributed - unattributedBefore
      }
    }
  } finally {
    await app.stop()
    await tg.stop()
    await db.stop()
  }
  lines.push(
    '',
    `Not charged to any update: ${background} commands of Agenda's polling and jobs, the outbox dispatch ` +
      "and the driver's session ends, issued while the updates above were counted (the driver's " +
      'monitoring of the server uses connections of its own and is not a command it reports).',
  )
  return lines.join('\n')
}
