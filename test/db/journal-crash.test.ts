/**
 * Real crash test: a child process appends numbered records as fast as it can (16 concurrent
 * appenders, optionally compacting all the time) and prints every acknowledged number; it is
 * SIGKILLed mid-flight, and every acknowledged number must then replay, in order, with no gap.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openJournal } from '../../src/embedded-mongo/journal/index.ts'

const repoRoot = path.resolve(import.meta.dirname, '../..')
const journalModule = pathToFileURL(path.join(repoRoot, 'src/embedded-mongo/journal/index.ts')).href
let base: string
let fixture: string

/** The child: replays (records are their own index), then appends n, n+1, ... until killed. */
const fixtureSource = `
import { openJournal } from ${JSON.stringify(journalModule)}
const [dir, mode] = process.argv.slice(2)
const journal = await openJournal(dir, { logger: (line) => process.stderr.write(line + '\\n') })
let next = 0
for (const record of journal.replay()) {
  if (Buffer.from(record).readUInt32LE(0) !== next) throw new Error('bad replay at ' + next)
  next++
}
const encode = (n) => { const b = Buffer.alloc(200, n & 0xff); b.writeUInt32LE(n, 0); return b }
process.stdout.write('start ' + next + '\\n')
let sinceCompaction = 0
async function appender() {
  for (;;) {
    const n = next++
    const acked = journal.append(encode(n))
    if (mode === 'compact' && ++sinceCompaction >= 200) {
      sinceCompaction = 0
      const upTo = next
      journal.compact((function* () { for (let i = 0; i < upTo; i++) yield encode(i) })()).catch((error) => {
        process.stderr.write('compaction failed: ' + error.stack + '\\n')
        process.exit(3)
      })
    }
    await acked
    process.stdout.write(n + '\\n')
  }
}
for (let i = 0; i < 16; i++) void appender()
`

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'journal-crash-'))
  fixture = path.join(base, 'append-until-killed.mts')
  await fs.writeFile(fixture, fixtureSource)
})

afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true })
})

/** Runs the child until ~300 ms after its first acknowledgement, SIGKILLs it; returns what it acknowledged. */
async function runAndKill(dir: string, mode: string): Promise<{ start: number; acked: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir, mode], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  let firstAck: () => void = () => undefined
  const acknowledged = new Promise<void>((resolve) => (firstAck = resolve))
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    if (/^start \d+\n\d+\n/.test(stdout)) firstAck()
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const closed = once(child, 'close')
  await Promise.race([acknowledged, closed])
  expect(child.exitCode, stderr).toBeNull()

  // While the child runs, its lock keeps everybody else out.
  await expect(openJournal(dir)).rejects.toThrow(new RegExp(`locked by running process ${child.pid}`))

  await new Promise((resolve) => setTimeout(resolve, 300))
  child.kill('SIGKILL')
  const [code, signal] = (await closed) as [number | null, string | null]
  expect({ code, signal, stderr: stderr.replace(/^journal: .*\n/gm, '') }).toEqual({
    code: null,
    signal: 'SIGKILL',
    stderr: '',
  })
  const lines = stdout.split('\n')
  lines.pop() // the last line may be cut by the kill
  const [header, ...rest] = lines
  return { start: Number(header!.split(' ')[1]), acked: rest.map(Number) }
}

/** Replays `dir` in this process and returns the record numbers, checking each record's body. */
async function replayNumbers(dir: string): Promise<number[]> {
  const journal = await openJournal(dir, { logger: () => undefined })
  try {
    return [...journal.replay()].map((record) => {
      const buffer = Buffer.from(record)
      const n = buffer.readUInt32LE(0)
      expect(buffer.length).toBe(200)
      expect(buffer.subarray(4).every((byte) => byte === (n & 0xff))).toBe(true)
      return n
    })
  } finally {
    await journal.close()
  }
}

describe('journal: real crash (SIGKILL)', () => {
  for (const mode of ['append', 'compact']) {
    it(`keeps every acknowledged record in order after SIGKILL, twice in a row (${mode})`, async () => {
      const dir = path.join(base, mode)
      let expectedStart = 0
      for (let round = 0; round < 2; round++) {
        const { start, acked } = await runAndKill(dir, mode)
        // The child replayed exactly what this process replayed after the previous kill.
        expect(start).toBe(expectedStart)
        expect(acked.length).toBeGreaterThan(100)
        // Acknowledgements come in append order.
        for (let i = 1; i < acked.length; i++) expect(acked[i]).toBeGreaterThan(acked[i - 1]!)
        expect(acked[0]).toBe(start)

        const numbers = await replayNumbers(dir)
        const lastAcked = acked[acked.length - 1]!
        expect(numbers.length).toBeGreaterThan(lastAcked)
        // Every record i holds number i: all acknowledged numbers present, in order, nothing after a gap.
        const firstWrong = numbers.findIndex((n, i) => n !== i)
        expect(firstWrong).toBe(-1)
        expectedStart = numbers.length
      }
    })
  }
})
