import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { startApp, type RunningApp } from '../../src/app.ts'
import type { PaceOptions } from '../../src/bot/create-bot.ts'
import type { Clock } from '../../src/domain/clock.ts'
import { loadConfig, type AppConfig } from '../../src/config/index.ts'
import { startEmbeddedDb, type EmbeddedDb } from '../../src/embedded-mongo/index.ts'
import { createLogger } from '../../src/logger.ts'
import { startFakeTelegram, type FakeTelegram } from '../../src/sandbox/fake-telegram/index.ts'
import type { FakeUser, UserProfile } from '../../src/sandbox/fake-telegram/index.ts'

/** Pace for tests: generous, so conversations are not slowed by Telegram's per-chat limit. */
export const TEST_PACE: PaceOptions = { globalPerSecond: 1000, perChatPerSecond: 1000, perChatBurst: 1000 }

export const OWNER_ID = 9_000_001

/** One bot, its own database and Telegram: what a scenario test talks to. */
export interface World {
  tg: FakeTelegram
  app: RunningApp
  config: AppConfig
  /** The database server's URI (the embedded one, or MONGODB_URI). */
  mongoUri: string
  dbName: string
  /** A Telegram user of this world's bot. */
  user(profile: UserProfile): FakeUser
  /**
   * Stops the bot (gracefully) and starts it again on the same database and token, reading the
   * configuration again (as a new process would: e.g. a program file the test rewrote).
   */
  restart(): Promise<void>
}

export interface WorldOptions {
  env?: Record<string, string>
  pace?: PaceOptions
  source?: 'webhook' | 'polling'
  /** The app's clock (e.g. `createTestClock(...)`), so tests move time instead of waiting. */
  clock?: Clock
  /** Runs before the bot starts, e.g. to make a start-up call fail. */
  beforeStart?: (tg: FakeTelegram) => void
}

let shared: { db?: EmbeddedDb; uri: string } | undefined
const cleanups: (() => Promise<void>)[] = []

/** Telegram's limits, loosened so tests are not slowed down; tests of the limits set their own. */
const TEST_LIMITS = {
  perChatPerSecond: 1000,
  perChatBurst: 1000,
  globalPerSecond: 10_000,
  globalBurst: 10_000,
}

/**
 * Installs the per-file infrastructure: one in-memory embedded database (or the real MongoDB of
 * MONGODB_URI); every `createWorld()` then gets its own database, bot token and fake Bot API server.
 */
export function useInfrastructure(): void {
  beforeAll(async () => {
    const uri = process.env.MONGODB_URI
    const db = uri ? undefined : await startEmbeddedDb({ port: 0 })
    shared = { ...(db ? { db } : {}), uri: uri ?? db!.uri }
  })
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.()
  })
  afterAll(async () => {
    await shared?.db?.stop()
    shared = undefined
  })
}

/** Starts a bot on a fresh database, delivering updates by webhook (deterministic) unless told otherwise. */
export async function createWorld(options: WorldOptions = {}): Promise<World> {
  if (!shared) throw new Error('call useInfrastructure() at the top of the test file')
  const { uri } = shared
  const tg = await startFakeTelegram({ port: 0, limits: TEST_LIMITS })
  cleanups.push(() => tg.stop())
  const configure = () => loadConfig({ OWNER_IDS: String(OWNER_ID), LOG_LEVEL: 'silent', ...options.env })
  let config = configure()
  const dbName = `t_${randomBytes(6).toString('hex')}`
  const token = `${7_000_000 + Math.floor(Math.random() * 1_000_000)}:${randomBytes(26).toString('base64url')}`
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent')
  const start = () =>
    startApp({
      config,
      logger,
      token,
      mongoUri: uri,
      dbName,
      apiRoot: tg.apiRoot,
      source:
        options.source === 'polling'
          ? { kind: 'polling' }
          : { kind: 'webhook', secret: 'test-secret-0123456789' },
      ...(options.source === 'polling' ? {} : { http: { port: 0 } }),
      pace: options.pace ?? TEST_PACE,
      scheduler: { processEvery: 200 },
      ...(options.clock ? { clock: options.clock } : {}),
    })
  options.beforeStart?.(tg)
  let app = await start()
  cleanups.push(() => app.stop())
  await settleScheduler(app)
  const world: World = {
    tg,
    get config() {
      return config
    },
    mongoUri: uri,
    dbName,
    get app() {
      return app
    },
    user: (profile) => tg.user(profile),
    async restart() {
      await app.stop()
      config = configure()
      app = await start()
      await settleScheduler(app)
    },
  }
  return world
}

/**
 * Waits until the jobs the app runs on start (greeting sweeps, expiry, ...) have finished, so they
 * never race with what a test does next: no job is due or locked any more. Gives up after 20 s
 * (a loaded machine can take that long; a test that goes on earlier may see a job's message).
 */
async function settleScheduler(app: RunningApp): Promise<void> {
  const jobs = app.connection.db?.collection<{ nextRunAt: Date | null; lockedAt: Date | null }>('jobs')
  if (!jobs) return
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    const busy = await jobs.countDocuments({
      $or: [{ nextRunAt: { $ne: null, $lte: new Date() } }, { lockedAt: { $ne: null } }],
    })
    if (busy === 0) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
