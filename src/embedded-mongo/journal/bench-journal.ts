/**
 * Journal benchmark: serial appends (bounded by fsync latency) and 32 concurrent appenders of
 * 200-byte records (group commit). Run with `npx tsx src/embedded-mongo/journal/bench-journal.ts
 * [dir]`; by default it works in a fresh directory under the OS temp dir and deletes it afterwards.
 * Durations are in ms, rates in acknowledged appends per second.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { openJournal } from './index.ts'

/** Record size used throughout, bytes. */
const RECORD_BYTES = 200

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0
}

async function serial(dir: string, count: number): Promise<void> {
  const journal = await openJournal(dir)
  const record = new Uint8Array(RECORD_BYTES).fill(7)
  const latencies: number[] = []
  const start = performance.now()
  for (let i = 0; i < count; i++) {
    const t = performance.now()
    await journal.append(record)
    latencies.push(performance.now() - t)
  }
  const seconds = (performance.now() - start) / 1000
  await journal.close()
  latencies.sort((a, b) => a - b)
  console.log(
    `serial:     ${count} appends, ${Math.round(count / seconds)} appends/s, ` +
      `latency p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms`,
  )
}

async function concurrent(dir: string, workers: number, durationMs: number): Promise<void> {
  const journal = await openJournal(dir)
  const record = new Uint8Array(RECORD_BYTES).fill(9)
  const latencies: number[] = []
  let acked = 0
  const deadline = performance.now() + durationMs
  const start = performance.now()
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now()
        await journal.append(record)
        latencies.push(performance.now() - t)
        acked++
      }
    }),
  )
  const seconds = (performance.now() - start) / 1000
  await journal.close()
  latencies.sort((a, b) => a - b)
  console.log(
    `concurrent: ${workers} appenders, ${acked} appends in ${seconds.toFixed(2)} s, ` +
      `${Math.round(acked / seconds)} appends/s, latency p50 ${percentile(latencies, 0.5).toFixed(2)} ms, ` +
      `p99 ${percentile(latencies, 0.99).toFixed(2)} ms`,
  )
}

async function compaction(dir: string, records: number): Promise<void> {
  const journal = await openJournal(dir)
  const record = new Uint8Array(RECORD_BYTES).fill(3)
  const start = performance.now()
  await journal.compact(Array.from({ length: records }, () => record))
  const ms = performance.now() - start
  await journal.close()
  console.log(
    `compaction: ${records} records (${(journal.snapshotBytes / 2 ** 20).toFixed(1)} MiB) in ${ms.toFixed(0)} ms`,
  )
}

async function main(): Promise<void> {
  const base = process.argv[2] ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'journal-bench-')))
  try {
    await serial(path.join(base, 'serial'), 2000)
    await concurrent(path.join(base, 'concurrent'), 32, 3000)
    await compaction(path.join(base, 'compaction'), 200_000)
  } finally {
    if (process.argv[2] === undefined) await fs.rm(base, { recursive: true, force: true })
  }
}

await main()
