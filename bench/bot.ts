/**
 * Whole-stack benchmark: fake Bot API over HTTP -> the real bot (webhook) -> the embedded database
 * (in a child process, as `npm run db` runs it). Measures updates/s and latency for typical updates
 * (help, balance, a purchase recorded by staff, an NPS answer) with 1, 50 and 500 active chats, and the
 * same for a minimal grammY bot (one indexed findOne and one reply) as the floor. Telegram pacing is
 * lifted: this measures how fast the bot can work, not Telegram.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Bot, webhookCallback } from 'grammy'
import mongoose from 'mongoose'
import { startApp, type RunningApp } from '../src/app.ts'
import { loadConfig, type AppConfig } from '../src/config/index.ts'
import { createLogger } from '../src/logger.ts'
import { startFakeTelegram, type FakeTelegram, type FakeUser } from '../src/sandbox/fake-telegram/index.ts'
import { TYPICAL_UPDATES } from './typical-updates.ts'

const LIMITS = { perChatPerSecond: 1e6, perChatBurst: 1e6, globalPerSecond: 1e6, globalBurst: 1e6 }
const PACE = { globalPerSecond: 1e6, perChatPerSecond: 1e6, perChatBurst: 1e6 }

/** What a scenario may use to prepare its chats. */
export interface BenchStack {
  app: RunningApp
  tg: FakeTelegram
  config: AppConfig
}

/** One update of a scenario: what the user does, named for the round-trip table. */
export interface BenchStep {
  update: string
  send: (user: FakeUser) => Promise<unknown>
}

/**
 * A kind of exchange the benchmark repeats in each chat: `steps` are its updates, each timed on its own
 * (a purchase at the desk takes five). `prepare` readies a chat for `rounds` repetitions.
 */
export interface BenchScenario {
  name: string
  prepare?: (user: FakeUser, stack: BenchStack, rounds: number) => Promise<void>
  steps: BenchStep[]
}

interface Measurement {
  scenario: string
  chats: number
  updates: number
  perSecond: number
  p50: number
  p99: number
}

/** Starts the embedded database as a separate process and returns its URI. */
export async function startDbProcess(): Promise<{ uri: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/embedded-mongo/cli.ts', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const uri = await new Promise<string>((resolve, reject) => {
    let buffer = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      const match = /mongodb:\/\/[^\s"]+/.exec(buffer)
      if (match) resolve(match[0])
    })
    child.once('exit', (code) => reject(new Error(`database exited with ${code}`)))
  })
  return { uri, child }
}

/** Enough updates for stable figures without making 500 chats take minutes. */
function updatesPerChat(chats: number): number {
  return Math.max(2, Math.ceil(600 / chats))
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

/** Runs `work` for every item, `concurrency` at a time. */
async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  const queue = [...items]
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}

/**
 * Runs at least `perChat` updates (whole rounds of the scenario) in each of `chats` chats at once;
 * chats in parallel, updates of a chat in order. Preparing the chats is not timed.
 */
async function measure(
  makeUser: (id: number) => FakeUser,
  scenario: BenchScenario,
  chats: number,
  perChat: number,
  firstId: number,
  stack?: BenchStack,
): Promise<Measurement> {
  const users = Array.from({ length: chats }, (_, i) => makeUser(firstId + i))
  const rounds = Math.ceil(perChat / scenario.steps.length)
  if (scenario.prepare && stack) await inParallel(users, 16, (user) => scenario.prepare!(user, stack, rounds))
  const latencies: number[] = []
  const started = performance.now()
  await Promise.all(
    users.map(async (user) => {
      for (let round = 0; round < rounds; round++) {
        for (const step of scenario.steps) {
          const t0 = performance.now()
          await step.send(user)
          latencies.push(performance.now() - t0)
        }
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return {
    scenario: scenario.name,
    chats,
    updates: latencies.length,
    perSecond: Math.round(latencies.length / seconds),
    p50: Math.round(percentile(latencies, 50) * 10) / 10,
    p99: Math.round(percentile(latencies, 99) * 10) / 10,
  }
}

/** The floor: a minimal grammY bot doing one indexed findOne and one reply per update. */
async function startFloorBot(tg: FakeTelegram, uri: string) {
  const connection = await mongoose.createConnection(uri, { dbName: 'bench_floor' }).asPromise()
  const users = connection.collection<{ _id: number; name: string }>('users')
  await users.createIndex({ name: 1 })
  const bot = new Bot('900000001:AAFloorFloorFloorFloorFloorFloorFloor', { client: { apiRoot: tg.apiRoot } })
  bot.on('message', async (ctx) => {
    const found = await users.findOne({ _id: ctx.from.id })
    await ctx.reply(found ? `hi ${found.name}` : 'hi')
  })
  await bot.init()
  const handle = webhookCallback(bot, 'http')
  const server = createServer((req, res) => void handle(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  await bot.api.setWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
  return {
    botId: bot.botInfo.id,
    stop: async () => {
      server.close()
      await connection.close()
    },
  }
}

/** Runs the whole-stack benchmark and returns a printable report. */
export async function runBotBench(
  scenarios: BenchScenario[] = TYPICAL_UPDATES,
  chatCounts = [1, 50, 500],
): Promise<string> {
  const db = await startDbProcess()
  // 500 chats at once queue for seconds: the default 10 s handling timeout would abort the run.
  const tg = await startFakeTelegram({ port: 0, limits: LIMITS, handleTimeoutMs: 300_000 })
  const lines: string[] = []
  let app: RunningApp | undefined
  const config = loadConfig({ LOG_LEVEL: 'silent' })
  try {
    app = await startApp({
      config,
      logger: createLogger('silent'),
      token: '900000002:AAProductProductProductProductProduct',
      mongoUri: db.uri,
      dbName: 'bench_product',
      apiRoot: tg.apiRoot,
      source: { kind: 'webhook', secret: 'bench-secret-0123456789' },
      http: { port: 0 },
      pace: PACE,
    })
    const results: Measurement[] = []
    let nextId = 1_000_000
    const productUser = (id: number) => tg.user({ id, first_name: `U${id}`, language_code: 'ru' })
    for (const chats of chatCounts) {
      for (const scenario of scenarios) {
        results.push(
          await measure(productUser, scenario, chats, updatesPerChat(chats), nextId, { app, tg, config }),
        )
        nextId += chats
      }
    }
    await app.stop()
    app = undefined

    const floor = await startFloorBot(tg, db.uri)
    const floorScenario: BenchScenario = {
      name: 'floor',
      steps: [{ update: 'ping', send: (user) => user.send('ping') }],
    }
    const floorUser = (id: number) =>
      tg.user({ id, first_name: 'F', language_code: 'ru' }, { botId: floor.botId })
    const floorResults: Measurement[] = []
    for (const chats of chatCounts) {
      floorResults.push(await measure(floorUser, floorScenario, chats, updatesPerChat(chats), nextId))
      nextId += chats
    }
    await floor.stop()

    lines.push(
      '| scenario | chats | updates | updates/s | p50 ms | p99 ms | vs floor |',
      '|---|---|---|---|---|---|---|',
    )
    for (const result of results) {
      const base = floorResults.find((f) => f.chats === result.chats)
      const ratio = base ? (result.perSecond / base.perSecond).toFixed(2) : '-'
      lines.push(
        `| ${result.scenario} | ${result.chats} | ${result.updates} | ${result.perSecond} | ${result.p50} | ${result.p99} | ${ratio} |`,
      )
    }
    for (const result of floorResults) {
      lines.push(
        `| floor (findOne + reply) | ${result.chats} | ${result.updates} | ${result.perSecond} | ${result.p50} | ${result.p99} | 1.00 |`,
      )
    }
  } finally {
    await app?.stop()
    await tg.stop()
    db.child.kill('SIGTERM')
  }
  return lines.join('\n')
}
