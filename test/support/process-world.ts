import { randomBytes } from 'node:crypto'
import type { Db } from 'mongodb'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { loadConfig, type AppConfig } from '../../src/config/index.ts'
import { connectDatabase } from '../../src/db/connection.ts'
import type { Customer } from '../../src/db/customers.ts'
import { createRepositories, type Repositories } from '../../src/db/repositories.ts'
import { createLedgerService } from '../../src/domain/ledger/ledger-service.ts'
import { startEmbeddedDb, type EmbeddedDb } from '../../src/embedded-mongo/index.ts'
import { startFakeTelegram, type FakeTelegram } from '../../src/sandbox/fake-telegram/index.ts'
import type { FakeUser, UserProfile } from '../../src/sandbox/fake-telegram/index.ts'
import {
  ALWAYS_AWAKE_PROGRAM,
  botToken,
  killBotProcesses,
  startBotProcess,
  writeProgramFile,
  type BotProcess,
} from './bot-process.ts'
import { OWNER_ID } from './world.ts'

/**
 * A bot that runs in its own process (see bot-process.ts) on the test's database and fake Telegram,
 * and the test's own view of that database: the repositories to seed customers and to check the
 * ledger, and the raw `db`.
 */
export interface ProcessWorld {
  tg: FakeTelegram
  config: AppConfig
  db: Db
  repositories: Repositories
  /** Starts the bot process (again, after a crash); resolves once it polls for updates. */
  start(): Promise<BotProcess>
  user(profile: UserProfile): FakeUser
  /**
   * A customer who joined (welcome bonus), written straight to the database after they wrote to
   * the bot (which must be running; `wroteToBot: false` skips that when nothing will be sent to
   * them); `at` back-dates the join and the bonus (so it can have expired).
   */
  joinedCustomer(user: FakeUser, options?: { at?: Date; wroteToBot?: boolean }): Promise<Customer>
  /** The card deep link a barista's phone opens when scanning the customer's QR. */
  cardLink(customer: Customer): string
}

let server: { db?: EmbeddedDb; uri: string } | undefined
const cleanups: (() => Promise<void>)[] = []

/** Per-file infrastructure of the process tests: one embedded database (or MONGODB_URI), killed bots. */
export function useProcessInfrastructure(): void {
  beforeAll(async () => {
    const uri = process.env.MONGODB_URI
    const db = uri ? undefined : await startEmbeddedDb({ port: 0 })
    server = { ...(db ? { db } : {}), uri: uri ?? db!.uri }
  })
  afterEach(async () => {
    await killBotProcesses()
    while (cleanups.length > 0) await cleanups.pop()?.()
  })
  afterAll(async () => {
    await server?.db?.stop()
    server = undefined
  })
}

/** A fake Telegram and a fresh database for a bot process; the bot is not started yet. */
export async function createProcessWorld(
  options: {
    program?: string
    handleTimeoutMs?: number
    /** Another database server than the file's (e.g. one in a process of its own that a test kills). */
    mongoUri?: string
  } = {},
): Promise<ProcessWorld> {
  if (!server) throw new Error('call useProcessInfrastructure() at the top of the test file')
  const mongoUri = options.mongoUri ?? server.uri
  const program = options.program ?? ALWAYS_AWAKE_PROGRAM
  const tg = await startFakeTelegram({
    port: 0,
    limits: { perChatPerSecond: 1000, perChatBurst: 1000, globalPerSecond: 10_000, globalBurst: 10_000 },
    handleTimeoutMs: options.handleTimeoutMs ?? 20_000,
    // The runner confirms an update as soon as it fetched it: "handled" is when the bot has been
    // quiet for a while, long enough for its database work between two calls on a loaded machine.
    settleMs: 250,
  })
  cleanups.push(() => tg.stop())
  const dbName = `t_${randomBytes(6).toString('hex')}`
  const connection = await connectDatabase(mongoUri, dbName)
  cleanups.push(() => connection.close())
  const db = connection.db!
  const programFile = writeProgramFile(program)
  const config = loadConfig({ LOG_LEVEL: 'silent', PROGRAM_FILE: programFile })
  const repositories = await createRepositories(connection)
  const ledgerAt = (at: Date) =>
    createLedgerService({
      ledger: repositories.ledgerEntries,
      customers: repositories.customers,
      purchases: repositories.purchases,
      clock: { now: () => at },
      program: config.program,
    })
  const token = botToken()
  const setup = { tg, mongoUri, dbName, ownerIds: [OWNER_ID], programFile }
  return {
    tg,
    config,
    db,
    repositories,
    async start() {
      return startBotProcess(setup, token)
    },
    user: (profile) => tg.user(profile),
    async joinedCustomer(user, options = {}) {
      const at = options.at ?? new Date()
      // Telegram delivers nothing to someone who never wrote to the bot.
      if (options.wroteToBot ?? true) await answered(user, () => user.send('/help'), /Что умеет бот/)
      const { customers } = repositories
      const record = await customers.ensure({
        telegramId: user.id,
        chatId: user.id,
        name: user.profile.first_name,
        language: user.profile.language_code ?? 'ru',
        tierId: config.program.tiers[0]!.id,
      })
      await customers.markJoined(record.id, at)
      await ledgerAt(at).grantBonus({ kind: 'welcome', customerId: record.id })
      return (await customers.get(record.id))!
    },
    cardLink: (customer) => `https://t.me/loyalty_sandbox_bot?start=c-${customer.cardToken}`,
  }
}

/** Thrown by {@link answered} when `stopped()` turned true while waiting. */
export class Stopped extends Error {
  override name = 'Stopped'
}

/**
 * Does `action` and waits until the bot's latest message (new, or edited) matches `expected`.
 * Needed with long polling: the runner confirms an update as soon as it fetched it, so an action
 * may return before the answer. Gives up with {@link Stopped} as soon as `stopped()` is true (the
 * bot was killed), else after 20 s.
 */
export async function answered(
  user: FakeUser,
  action: () => Promise<unknown>,
  expected: RegExp,
  stopped: () => boolean = () => false,
): Promise<string> {
  const latest = () => user.messages().findLast((message) => message.from_bot)
  const before = latest()
  const was = { id: before?.message_id, text: before?.text ?? before?.caption }
  if (stopped()) throw new Stopped()
  await action()
  const deadline = Date.now() + 20_000
  for (;;) {
    if (stopped()) throw new Stopped()
    await user.refresh()
    const now = latest()
    const text = now?.text ?? now?.caption ?? ''
    if ((now?.message_id !== was.id || text !== was.text) && expected.test(text)) return text
    if (Date.now() > deadline) {
      throw new Error(`no answer matching ${expected} within 20 s; the last one: ${JSON.stringify(text)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 30))
  }
}

/** Polls `condition` every 20 ms until it holds; fails naming `what` after 30 s. */
export async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
