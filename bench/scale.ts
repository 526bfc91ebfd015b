/**
 * Scale: a program of 100 000 customers and 1 000 000 ledger entries (bench/scale-seed.ts) in the
 * embedded database running as its own process. Times the owner's reports with the functions the
 * bot uses (the digest, /stats for 7 and 30 days, /segments), then once through the bot (/stats and
 * the digest job), streams the customers' /export CSV, and reads the memory (RSS) of the bot process and of
 * the database process. `SCALE_CUSTOMERS` changes the size (ten ledger entries per customer).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { MongoClient } from 'mongodb'
import { startApp } from '../src/app.ts'
import { loadConfig } from '../src/config/index.ts'
import { BIRTHDAY_JOB, HOLIDAYS_JOB, REMINDERS_JOB } from '../src/jobs/greetings.ts'
import { OWNER_DIGEST_JOB } from '../src/jobs/owner-digest.ts'
import { POINTS_EXPIRY_JOB } from '../src/jobs/points-expiry.ts'
import { TIER_REVIEW_JOB } from '../src/jobs/tier-review.ts'
import { createLogger } from '../src/logger.ts'
import { startFakeTelegram } from '../src/sandbox/fake-telegram/index.ts'

const CUSTOMERS = Number(process.env.SCALE_CUSTOMERS ?? 100_000)
const OWNER_ID = 990_002
const DB_NAME = 'bench_scale'
const UNPACED = { perChatPerSecond: 1e6, perChatBurst: 1e6, globalPerSecond: 1e6, globalBurst: 1e6 }
/** Each report is computed this many times; the table shows the first (cold) and the last. */
const RUNS = 2

const MB = 1024 * 1024
const mb = (bytes: number): string => `${Math.round(bytes / MB)} MB`
const ms = (value: number): string => `${Math.round(value).toLocaleString('en-US')} ms`

/** Resident and peak resident memory of a process, from /proc (Linux). */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024
  return { rss: kb('VmRSS'), peak: kb('VmHWM') }
}

/** Runs `work` and samples this process's RSS meanwhile; returns the time and the highest RSS seen. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; peak: number }> {
  let peak = process.memoryUsage().rss
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  const started = performance.now()
  try {
    const value = await work()
    return { value, ms: performance.now() - started, peak: Math.max(peak, process.memoryUsage().rss) }
  } finally {
    clearInterval(timer)
  }
}

/** Seeds the program from a child process (bench/scale-seed.ts), so its documents never sit in this heap. */
function seed(uri: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/scale-seed.ts', uri, DB_NAME, String(CUSTOMERS)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.once('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`seeding exited ${code}`)),
    )
  })
}

/** The one-minute load average (other helpers share the machine): printed next to every time. */
async function load(): Promise<string> {
  return (await readFile('/proc/loadavg', 'utf8')).split(' ')[0] ?? '?'
}

/** Jobs that walk every customer once right after a start; the reports are timed once they are done. */
const STARTUP_JOBS = [BIRTHDAY_JOB, HOLIDAYS_JOB, REMINDERS_JOB, POINTS_EXPIRY_JOB, TIER_REVIEW_JOB]

/** Longest wait for the startup jobs; past it the reports are timed with the jobs still running. */
const STARTUP_JOBS_WAIT_MS = 15 * 60_000

/** Waits until each startup job has finished a run and none holds its lock; returns the time waited. */
async function startupJobsDone(uri: string): Promise<number> {
  const started = performance.now()
  const client = await MongoClient.connect(uri)
  try {
    const jobs = client.db(DB_NAME).collection('jobs')
    for (;;) {
      const busy = await jobs.countDocuments({
        name: { $in: STARTUP_JOBS },
        // Running, or due and not run yet (a job scheduled for later, like the digest, is not waited for).
        $or: [
          { lockedAt: { $ne: null } },
          { lastFinishedAt: null, nextRunAt: { $lte: new Date(Date.now() + 60_000) } },
        ],
      })
      if (busy === 0 || performance.now() - started > STARTUP_JOBS_WAIT_MS) return performance.now() - started
      await new Promise((resolve) => setTimeout(resolve, 2_000))
    }
  } finally {
    await client.close()
  }
}

/** Bytes of a streamed CSV, read to the end. */
async function drain(csv: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0
  for await (const chunk of csv) bytes += chunk.length
  return bytes
}

/**
 * The embedded database as its own process (`npm run db`, in memory). It keeps every document as
 * a JavaScript object: at this size that is several gigabytes, past Node's default heap limit, so
 * the process gets a larger one (`DB_HEAP_MB`, default 12 288).
 */
async function startScaleDb(): Promise<{ uri: string; child: ChildProcess }> {
  const heap = `--max-old-space-size=${process.env.DB_HEAP_MB ?? 12_288}`
  const child = spawn(
    process.execPath,
    [heap, '--import', 'tsx', 'src/embedded-mongo/cli.ts', '--port', '0', '--quiet'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const uri = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /mongodb:\/\/\S+/.exec(out)
      if (match) resolve(match[0])
    })
    child.once('exit', (code) => reject(new Error(`database exited with ${code}`)))
  })
  return { uri, child }
}

/** Runs the scale benchmark and returns a printable report. */
export async function runScaleBench(): Promise<string> {
  const db = await startScaleDb()
  const lines: string[] = []
  const tg = await startFakeTelegram({ port: 0, limits: UNPACED, handleTimeoutMs: 600_000 })
  const start = () =>
    startApp({
      config: loadConfig({ OWNER_IDS: String(OWNER_ID), LOG_LEVEL: 'silent' }),
      logger: createLogger('silent'),
      token: '900000006:AAScaleScaleScaleScaleScaleScaleScale',
      mongoUri: db.uri,
      dbName: DB_NAME,
      apiRoot: tg.apiRoot,
      source: { kind: 'webhook', secret: 'bench-secret-0123456789' },
      http: { port: 0 },
      pace: { globalPerSecond: 1e6, perChatPerSecond: 1e6, perChatBurst: 1e6 },
    })
  // As in production the indexes exist before the data: the first start creates them on empty
  // collections (building them over a million documents at once blocks the server for minutes).
  await (await start()).stop()
  const seedStarted = performance.now()
  const counts = JSON.parse(await seed(db.uri)) as Record<string, number>
  const seedMs = performance.now() - seedStarted
  const startStarted = performance.now()
  const app = await start()
  const startMs = performance.now() - startStarted
  try {
    const jobsMs = await startupJobsDone(db.uri)
    const { reports, exports } = app.services
    lines.push(
      `Seeded in ${(seedMs / 1000).toFixed(0)} s through the driver into the indexed collections (unordered insertMany, ${CUSTOMERS.toLocaleString('en-US')} customers a round of 1 000): ${Object.entries(
        counts,
      )
        .map(([name, count]) => `${name} ${count.toLocaleString('en-US')}`)
        .join(
          ', ',
        )}. The bot then started in ${ms(startMs)}; its startup jobs (greetings, reminders, expiry, tier review over every customer) ${jobsMs > STARTUP_JOBS_WAIT_MS ? `were still running after ${ms(jobsMs)}` : `took ${ms(jobsMs)} more`}, and the reports were timed after that.`,
      '',
      `| report (service call, as the bot makes it) | first run | run ${RUNS} | load average |`,
      '|---|---|---|---|',
    )
    const jobs: [string, () => Promise<unknown>][] = [
      ['daily digest', () => reports.digest()],
      ['/stats 7d', () => reports.stats('7d')],
      ['/stats 30d', () => reports.stats('30d')],
      ['/segments', () => reports.segments()],
    ]
    for (const [name, run] of jobs) {
      const times: number[] = []
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now()
        await run()
        times.push(performance.now() - started)
      }
      lines.push(`| ${name} | ${ms(times[0]!)} | ${ms(times.at(-1)!)} | ${await load()} |`)
      process.stderr.write(`scale: ${lines.at(-1)}\n`)
    }

    const owner = tg.user({ id: OWNER_ID, first_name: 'Игорь', language_code: 'ru' })
    const through: string[] = []
    for (const command of ['/stats 7d', '/stats 30d']) {
      const started = performance.now()
      await owner.send(command)
      through.push(`\`${command}\` ${ms(performance.now() - started)} (load ${await load()})`)
      process.stderr.write(`scale: ${through.at(-1)}\n`)
    }
    const mark = owner.mark()
    const digestStarted = performance.now()
    await app.scheduler.now(OWNER_DIGEST_JOB)
    await owner.waitFor(/Итоги за вчера|Вчера в программе/, { since: mark, timeoutMs: 300_000 })
    through.push(
      `digest job to the owner's chat ${ms(performance.now() - digestStarted)} (load ${await load()})`,
    )
    lines.push('', `Through the bot (update in, answer with the chart out): ${through.join('; ')}.`)

    const customersCsv = await withPeakRss(() => drain(exports.customersCsv()))
    const bot = await memoryOf(process.pid)
    const database = await memoryOf(db.child.pid!)
    lines.push(
      '',
      '| /export, streamed | rows | size | time | bot peak RSS |',
      '|---|---|---|---|---|',
      `| customers.csv | ${CUSTOMERS.toLocaleString('en-US')} | ${mb(customersCsv.value)} | ${ms(customersCsv.ms)} | ${mb(customersCsv.peak)} |`,
      '',
      '| memory at this size | RSS now | peak RSS |',
      '|---|---|---|',
      `| bot process (with the fake Bot API in it) | ${mb(bot.rss)} | ${mb(bot.peak)} |`,
      `| embedded database process (in memory) | ${mb(database.rss)} | ${mb(database.peak)} |`,
    )
  } finally {
    await app.stop()
    await tg.stop()
    db.child.kill('SIGTERM')
  }
  return lines.join('\n')
}
