/**
 * Benchmark of the embedded database, through the raw driver and through mongoose, in memory and
 * journaled (dbpath). `npx tsx bench/db.ts` prints the report; `runDbBench()` returns it.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { serialize } from 'bson'
import { MongoClient } from 'mongodb'
import type { Collection, Document } from 'mongodb'
import mongoose from 'mongoose'
import { startEmbeddedDb } from '../src/embedded-mongo/index.ts'

const CONCURRENCY = 32
/** Each cell runs this long; shorter cells under-report, as the first second still has JIT and GC noise. */
const DURATION_MS = Number(process.env.DB_BENCH_MS ?? 3000)
/** Calls of each operation made serially before anything is measured, so driver and server are compiled. */
const WARMUP_CALLS = 3000
/** By default the server runs as its own process (`npm run db`); DB_BENCH_INPROCESS=1 embeds it. */
const IN_PROCESS = process.env.DB_BENCH_INPROCESS === '1'
const HERE = path.dirname(fileURLToPath(import.meta.url))
const CLI = path.join(HERE, '..', 'src', 'embedded-mongo', 'cli.ts')
/** The canned-reply server (bench/canned-server.ts): the ceiling any server could reach with this driver. */
const CANNED = path.join(HERE, 'canned-server.ts')
/** What the driver is given, in every section: what a production deployment would also set. */
const DRIVER_OPTIONS = { maxPoolSize: CONCURRENCY } as const

interface RunningServer {
  uri: string
  /** CPU time the server process has used so far, ms; null when it shares this process. */
  cpuMs(): number | null
  stop(): Promise<void>
}

/** User + system CPU time of a process from /proc, ms (Linux); null where there is no /proc. */
function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // in clock ticks of 10 ms
  } catch {
    return null
  }
}

/** Starts the server in this process or as a child process running the CLI. */
async function startServer(dbpath: string | undefined): Promise<RunningServer> {
  if (IN_PROCESS) {
    const db = await startEmbeddedDb(dbpath ? { dbpath } : {})
    return { uri: db.uri, cpuMs: () => null, stop: () => db.stop() }
  }
  return spawnServer([CLI, '--port', '0', '--quiet', ...(dbpath ? ['--dbpath', dbpath] : [])])
}

/** Runs a server script (`tsx` loaded) as a child process that prints `uri: mongodb://...` when ready. */
async function spawnServer(args: string[]): Promise<RunningServer> {
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  const uri = await new Promise<string>((resolve, reject) => {
    let out = ''
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /uri: (mongodb:\/\/\S+)/.exec(out)
      if (m?.[1]) resolve(m[1])
    })
    proc.once('exit', (code) => reject(new Error(`database process exited with ${code}`)))
  })
  return {
    uri,
    cpuMs: () => (proc.pid === undefined ? null : processCpuMs(proc.pid)),
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => resolve())
        proc.kill('SIGTERM')
      }),
  }
}

/** Runs `op` from `workers` concurrent loops for about `ms`; returns operations per second. */
async function rate(workers: number, op: (i: number) => Promise<unknown>, ms = DURATION_MS): Promise<number> {
  let next = 0
  const deadline = Date.now() + ms
  const started = performance.now()
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < deadline) await op(next++)
    }),
  )
  return next / ((performance.now() - started) / 1000)
}

/** The operations measured for one API (raw driver or mongoose). */
interface Api {
  insert(i: number): Promise<unknown>
  findByCode(code: string): Promise<unknown>
  decrement(code: string): Promise<unknown>
  seed(n: number): Promise<void>
}

function driverApi(c: Collection<Document>, prefix: string): Api {
  return {
    insert: (i) =>
      c.insertOne({
        code: `${prefix}-ins-${i}`,
        balance: 1_000_000,
        name: 'bench user',
        tags: ['a', 'b'],
        at: new Date(),
      }),
    findByCode: (code) => c.findOne({ code }),
    decrement: (code) => c.updateOne({ code, balance: { $gte: 1 } }, { $inc: { balance: -1 } }),
    async seed(n) {
      for (let i = 0; i < n; i += 5000) {
        await c.insertMany(
          Array.from({ length: Math.min(5000, n - i) }, (_, k) => ({
            code: `${prefix}-${i + k}`,
            balance: 1_000_000,
            name: 'seed',
          })),
        )
      }
    },
  }
}

const schema = new mongoose.Schema({
  code: { type: String, index: true, unique: true },
  balance: Number,
  name: String,
  tags: [String],
  at: Date,
})

function mongooseApi(model: mongoose.Model<Document>, prefix: string): Api {
  return {
    insert: (i) =>
      model.create({
        code: `${prefix}-ins-${i}`,
        balance: 1_000_000,
        name: 'bench user',
        tags: ['a', 'b'],
        at: new Date(),
      }),
    findByCode: (code) => model.findOne({ code }).lean().exec(),
    decrement: (code) => model.updateOne({ code, balance: { $gte: 1 } }, { $inc: { balance: -1 } }).exec(),
    async seed(n) {
      for (let i = 0; i < n; i += 5000) {
        await model.insertMany(
          Array.from({ length: Math.min(5000, n - i) }, (_, k) => ({
            code: `${prefix}-${i + k}`,
            balance: 1_000_000,
            name: 'seed',
          })),
          { lean: true },
        )
      }
    },
  }
}

/**
 * A client without the driver: one socket sending a pre-encoded OP_MSG `ping` and waiting for each
 * reply. It shows what the server and the kernel cost per round trip without the driver's own work.
 */
async function rawPingClient(uri: string): Promise<{ ping(): Promise<void>; close(): void }> {
  const { hostname, port } = new URL(uri)
  const socket = net.connect(Number(port), hostname)
  socket.setNoDelay(true)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const body = serialize({ ping: 1, $db: 'admin' })
  const message = Buffer.alloc(21 + body.length)
  message.writeInt32LE(message.length, 0)
  message.writeInt32LE(2013, 12) // OP_MSG; flags 0, then section kind 0 (body)
  message.set(body, 21)
  let waiting: (() => void) | null = null
  let received = 0
  let expected = 0
  socket.on('data', (chunk: Buffer) => {
    // The reply is small; its length is taken from the first chunk, which starts with the header.
    if (received === 0) expected = chunk.readInt32LE(0)
    received += chunk.length
    if (received >= expected && waiting) {
      received = 0
      const done = waiting
      waiting = null
      done()
    }
  })
  return {
    ping: () =>
      new Promise<void>((resolve) => {
        waiting = resolve
        socket.write(message)
      }),
    close: () => socket.destroy(),
  }
}

/** One measured cell: operations per second and the CPU each side used per operation. */
interface Cell {
  ops: number
  serverUs: number | null
  clientUs: number
}

async function measureCell(
  db: RunningServer,
  workers: number,
  op: (i: number) => Promise<unknown>,
): Promise<Cell> {
  const server0 = db.cpuMs()
  const client0 = process.cpuUsage()
  let n = 0
  const ops = await rate(workers, (i) => {
    n++
    return op(i)
  })
  const client = process.cpuUsage(client0)
  const server1 = db.cpuMs()
  return {
    ops,
    serverUs: server0 === null || server1 === null ? null : ((server1 - server0) * 1000) / n,
    clientUs: (client.user + client.system) / n,
  }
}

/**
 * Runs `op` like {@link rate} and says what one operation cost: wall time per operation (serial)
 * or operations per second (concurrent), and the CPU the server process and this client used.
 */
async function cost(
  db: RunningServer,
  label: string,
  workers: number,
  op: (i: number) => Promise<unknown>,
): Promise<string> {
  const { ops, serverUs, clientUs } = await measureCell(db, workers, op)
  const speed =
    workers === 1 ? `${Math.round(1_000_000 / ops)} µs, ${fmt(ops).trim()}/s` : `${fmt(ops).trim()}/s`
  if (serverUs === null) return `${label} ${speed}`
  return `${label} ${speed} (per operation: server CPU ${Math.round(serverUs)} µs, client CPU ${Math.round(clientUs)} µs)`
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(8)

async function measureApi(name: string, api: Api, prefix: string, lines: string[]): Promise<void> {
  await api.seed(1000)
  const code = (i: number): string => `${prefix}-${i % 1000}`
  // Warm-up (JIT of driver and server, pool connections opened) before anything is measured:
  // every operation serially, then all of them from concurrent clients for a second.
  for (let i = 0; i < WARMUP_CALLS; i++) {
    await api.findByCode(code(i))
    await api.decrement(code(i))
    await api.insert(10_000_000 + i)
  }
  await rate(
    CONCURRENCY,
    async (i) => {
      await api.findByCode(code(i))
      await api.decrement(code(i))
      await api.insert(20_000_000 + i)
    },
    1000,
  )
  const row: number[] = []
  row.push(await rate(1, (i) => api.insert(i)))
  row.push(await rate(CONCURRENCY, (i) => api.insert(1_000_000 + i)))
  row.push(await rate(1, (i) => api.findByCode(code(i))))
  row.push(await rate(CONCURRENCY, (i) => api.findByCode(code(i))))
  row.push(await rate(1, (i) => api.decrement(code(i))))
  row.push(await rate(CONCURRENCY, (i) => api.decrement(code(i))))
  lines.push(`| ${name.padEnd(22)} | ${row.map(fmt).join(' | ')} |`)
}

async function bigLookup(c: Collection<Document>, lines: string[], label: string): Promise<void> {
  const api = driverApi(c, 'big')
  const t0 = performance.now()
  await api.seed(100_000)
  const seedMs = performance.now() - t0
  await c.createIndex({ code: 1 }, { unique: true })
  const serial = await rate(1, (i) => c.findOne({ code: `big-${(i * 7919) % 100_000}` }))
  const explain = await c.find({ code: 'big-54321' }).explain('executionStats')
  const examined = (explain.executionStats as { totalDocsExamined: number }).totalDocsExamined
  lines.push(
    `- ${label}: 100 000 docs seeded in ${Math.round(seedMs)} ms; indexed findOne ${fmt(serial).trim()}/s serial; docsExamined per lookup: ${examined}`,
  )
}

async function runMode(label: string, dbpath: string | undefined, lines: string[]): Promise<void> {
  const db = await startServer(dbpath)
  const client = await MongoClient.connect(db.uri, DRIVER_OPTIONS)
  const conn = await mongoose
    .createConnection(db.uri, { dbName: 'bench_mongoose', ...DRIVER_OPTIONS })
    .asPromise()
  try {
    const raw = client.db('bench').collection('users')
    await raw.createIndex({ code: 1 }, { unique: true })
    lines.push(`### ${label}`, '')
    lines.push(
      `| ops/s                  | insert 1 | insert ${CONCURRENCY} | findOne 1 | findOne ${CONCURRENCY} | cond. update 1 | cond. update ${CONCURRENCY} |`,
    )
    lines.push(
      '|------------------------|---------:|----------:|----------:|-----------:|---------------:|----------------:|',
    )
    await measureApi('raw driver', driverApi(raw, 'raw'), 'raw', lines)
    const model = conn.model('BenchUser', schema) as unknown as mongoose.Model<Document>
    await model.init()
    await measureApi('mongoose', mongooseApi(model, 'mg'), 'mg', lines)
    const admin = client.db('admin')
    const ping1 = await rate(1, () => admin.command({ ping: 1 }))
    const ping32 = await rate(CONCURRENCY, () => admin.command({ ping: 1 }))
    lines.push('')
    lines.push(
      `- ${label}: baseline raw-driver \`ping\` (no storage work): ${fmt(ping1).trim()}/s serial, ${fmt(ping32).trim()}/s with ${CONCURRENCY} concurrent`,
    )
    const rawClient = await rawPingClient(db.uri)
    const users = client.db('bench').collection('users')
    const trips = [
      await cost(db, '`ping` over a bare socket (no driver):', 1, () => rawClient.ping()),
      await cost(db, 'driver `ping`:', 1, () => admin.command({ ping: 1 })),
      await cost(db, 'driver indexed `findOne`:', 1, (i) => users.findOne({ code: `raw-${i % 1000}` })),
    ]
    rawClient.close()
    lines.push(`- ${label}: one serial round trip takes ${trips.join('; ')}`)
    const inserts = driverApi(users, 'cost')
    lines.push(
      `- ${label}: ${await cost(db, `driver \`insertOne\` from ${CONCURRENCY} clients:`, CONCURRENCY, (i) => inserts.insert(i))}`,
    )
    await bigLookup(client.db('bench').collection('big'), lines, label)
    lines.push('')
  } finally {
    await conn.close()
    await client.close()
    await db.stop()
  }
}

const ROUNDS = 3

/**
 * The ceiling: the same driver loops against the canned-reply server (bench/canned-server.ts, its
 * own process), which answers from pre-serialized bytes and does no work at all, so no server can
 * answer this driver faster on this machine. Each round measures it and then the embedded server in
 * memory and journaled, so all three see the same load; the rounds show how much the load moved.
 */
async function runCeiling(lines: string[]): Promise<void> {
  const kinds: { label: string; start: (dir: string) => Promise<RunningServer>; stores: boolean }[] = [
    { label: 'canned replies (ceiling)', start: () => spawnServer([CANNED]), stores: false },
    { label: 'embedded, in memory', start: () => startServer(undefined), stores: true },
    { label: 'embedded, journaled', start: (dir) => startServer(dir), stores: true },
  ]
  const results = new Map<string, { find: Cell[]; insert: Cell[] }>()
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of kinds) {
      const dir = await mkdtemp(path.join(tmpdir(), 'embedded-bench-ceiling-'))
      const db = await kind.start(dir)
      const client = await MongoClient.connect(db.uri, DRIVER_OPTIONS)
      try {
        const users = client.db('bench').collection('users')
        const api = driverApi(users, 'raw')
        if (kind.stores) {
          await users.createIndex({ code: 1 }, { unique: true })
          await api.seed(1000)
        }
        const find = (i: number): Promise<unknown> => users.findOne({ code: `raw-${i % 1000}` })
        for (let i = 0; i < WARMUP_CALLS; i++) {
          await find(i)
          await api.insert(i)
        }
        await rate(CONCURRENCY, (i) => api.insert(WARMUP_CALLS + i), 1000)
        const row = results.get(kind.label) ?? { find: [], insert: [] }
        row.find.push(await measureCell(db, 1, find))
        row.insert.push(await measureCell(db, CONCURRENCY, (i) => api.insert(1_000_000 + i)))
        results.set(kind.label, row)
      } finally {
        await client.close()
        await db.stop()
        await rm(dir, { recursive: true, force: true })
      }
    }
  }
  const show = (cells: Cell[]): string =>
    cells
      .map((c) => `${fmt(c.ops).trim()}/s (${Math.round(c.serverUs ?? 0)} + ${Math.round(c.clientUs)} µs)`)
      .join(', ')
  lines.push('### Ceiling: the same driver against a server that does nothing', '')
  lines.push(
    `The canned-reply server (\`bench/canned-server.ts\`, its own process) answers every command with bytes serialized once at start-up: what the driver, the kernel and loopback TCP cost, the best any server could do with this driver here. ${ROUNDS} rounds, each measuring the three servers one after the other, so they share the load of the moment. Each entry: operations/s (server CPU + client CPU per operation).`,
    '',
  )
  lines.push(`| server | driver indexed \`findOne\`, serial | driver \`insertOne\`, ${CONCURRENCY} clients |`)
  lines.push('|---|---|---|')
  for (const [label, row] of results) lines.push(`| ${label} | ${show(row.find)} | ${show(row.insert)} |`)
  lines.push('')
}

/** Runs the benchmark and returns a printable (markdown) report. */
export async function runDbBench(): Promise<string> {
  const where = IN_PROCESS ? 'in this process' : 'in its own process (the `npm run db` CLI)'
  const lines: string[] = [
    `Server ${where}. Each cell runs for ${DURATION_MS} ms after a warm-up of ${WARMUP_CALLS} serial calls of each operation and a second of concurrent ones; "${CONCURRENCY}" = ${CONCURRENCY} concurrent operations over a ${CONCURRENCY}-connection pool. Driver options: \`${JSON.stringify(DRIVER_OPTIONS)}\`, otherwise the driver's defaults (retryable writes, implicit sessions, UTF-8 validation). CPU per operation is user + system time of each process (all its threads) divided by the operations.`,
    '',
  ]
  if (!IN_PROCESS) await runCeiling(lines)
  await runMode('In memory', undefined, lines)
  const dir = await mkdtemp(path.join(tmpdir(), 'embedded-bench-'))
  try {
    await runMode('Journaled (dbpath, fsync per group commit)', dir, lines)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return lines.join('\n')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write((await runDbBench()) + '\n')
  process.exit(0)
}
