import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openJournal } from '../../src/embedded-mongo/journal/index.ts'
import type { Journal } from '../../src/embedded-mongo/journal/index.ts'

let base: string
const open: Journal[] = []
let logLines: string[]

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'journal-compaction-'))
  logLines = []
})

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((journal) => journal.close()))
  await fs.rm(base, { recursive: true, force: true })
})

async function openAt(dir: string): Promise<Journal> {
  const journal = await openJournal(dir, { logger: (line) => logLines.push(line) })
  open.push(journal)
  return journal
}

const text = (records: Iterable<Uint8Array>): string[] => [...records].map((r) => Buffer.from(r).toString())
const recs = (...names: string[]): Uint8Array[] => names.map((name) => new TextEncoder().encode(name))
const names = async (dir: string): Promise<string[]> =>
  (await fs.readdir(dir)).filter((n) => n !== 'LOCK').sort()

describe('journal: compaction', () => {
  it('replaces history with the snapshot, keeps later appends after it, and deletes old files', async () => {
    const dir = path.join(base, 'db')
    let journal = await openAt(dir)
    journal.replay()
    for (const r of recs('a', 'b', 'c')) await journal.append(r)
    await journal.compact(recs('S1', 'S2'))
    expect(await names(dir)).toEqual(['journal-1.log', 'snapshot-1.bin'])
    await journal.append(recs('d')[0]!)
    await journal.close()

    journal = await openAt(dir)
    expect(text(journal.replay())).toEqual(['S1', 'S2', 'd'])
    await journal.compact(recs('T'))
    await journal.compact([])
    await journal.append(recs('e')[0]!)
    await journal.close()
    expect(await names(dir)).toEqual(['journal-3.log', 'snapshot-3.bin'])
    expect(text((await openAt(dir)).replay())).toEqual(['e'])
    expect(logLines).toEqual([])
  })

  it('keeps appends issued during compaction, after the snapshot, acknowledged in call order', async () => {
    const dir = path.join(base, 'db')
    const journal = await openAt(dir)
    journal.replay()
    const acked: string[] = []
    const append = (name: string): Promise<void> =>
      journal.append(recs(name)[0]!).then(() => void acked.push(name))
    // 'pre' is issued before compact(), so the owner's snapshot already contains its effect.
    const pending = [append('pre')]
    const compaction = journal.compact(recs('S'))
    for (let i = 0; i < 200; i++) pending.push(append(`during${i}`))
    const second = journal.compact(recs('S', 'more'))
    pending.push(append('after second'))
    await Promise.all([...pending, compaction, second])
    expect(acked).toEqual(['pre', ...Array.from({ length: 200 }, (_, i) => `during${i}`), 'after second'])
    await journal.close()
    expect(text((await openAt(dir)).replay())).toEqual(['S', 'more', 'after second'])

    // Without the second compaction, the appends made during the first one follow its snapshot.
    const dir2 = path.join(base, 'db2')
    const j2 = await openAt(dir2)
    j2.replay()
    await j2.append(recs('old')[0]!)
    const c = j2.compact(recs('S'))
    const during = Array.from({ length: 50 }, (_, i) => j2.append(recs(`d${i}`)[0]!))
    await Promise.all([c, ...during])
    await j2.close()
    expect(text((await openAt(dir2)).replay())).toEqual([
      'S',
      ...Array.from({ length: 50 }, (_, i) => `d${i}`),
    ])
  })

  it('captures the snapshot iterable synchronously at the call', async () => {
    const dir = path.join(base, 'db')
    const journal = await openAt(dir)
    journal.replay()
    const state = ['x', 'y']
    const done = journal.compact(
      (function* () {
        for (const s of state) yield recs(s)[0]!
      })(),
    )
    state.push('z') // a mutation after the call must not leak into the snapshot
    await done
    await journal.close()
    expect(text((await openAt(dir)).replay())).toEqual(['x', 'y'])
  })

  it('a failed compaction changes nothing: appends continue and the old history stays', async () => {
    for (const blocked of ['journal-1.log.tmp', 'snapshot-1.bin.tmp']) {
      const dir = path.join(base, blocked)
      const journal = await openAt(dir)
      journal.replay()
      await journal.append(recs('a')[0]!)
      // A directory where the compaction wants to write its temporary file makes that write fail.
      await fs.mkdir(path.join(dir, blocked))
      const during = journal.append(recs('b')[0]!)
      await expect(journal.compact(recs('S'))).rejects.toThrow()
      await during
      await journal.append(recs('c')[0]!)
      expect(journal.logBytes).toBe(3 * 9)
      await journal.close()
      await fs.rm(path.join(dir, blocked), { recursive: true })
      const reopened = await openAt(dir)
      expect(text(reopened.replay())).toEqual(['a', 'b', 'c'])
      await reopened.compact(recs('S'))
      await reopened.append(recs('d')[0]!)
      await reopened.close()
      expect(text((await openAt(dir)).replay())).toEqual(['S', 'd'])
    }
  })

  /**
   * Compaction from generation 0 to 1 goes through these durable steps:
   *   1. journal-1.log.tmp written          4. snapshot-1.bin.tmp written (maybe partly)
   *   2. renamed to journal-1.log           5. renamed to snapshot-1.bin  <- commit point
   *   3. appends go to journal-1.log        6. journal-0.log deleted
   * A crash after any step must reopen to the old state (plus acknowledged appends) before the
   * commit point and to the new state after it. The files of each stage are rebuilt from a real
   * run: `old` holds the directory before compaction, `new` the directory after it.
   */
  describe('survives a crash at each step', () => {
    const oldState = ['a', 'b', 'c']
    const during = ['d']
    const newState = ['S1', 'S2']

    async function prepare(): Promise<{ oldDir: string; newDir: string; headerOnlyLog: Buffer }> {
      const oldDir = path.join(base, 'old')
      let journal = await openAt(oldDir)
      journal.replay()
      for (const r of recs(...oldState)) await journal.append(r)
      await journal.close()
      const newDir = path.join(base, 'new')
      await fs.cp(oldDir, newDir, { recursive: true })
      journal = await openAt(newDir)
      journal.replay()
      await journal.compact(recs(...newState))
      const headerOnlyLog = await fs.readFile(path.join(newDir, 'journal-1.log'))
      for (const r of recs(...during)) await journal.append(r)
      await journal.close()
      return { oldDir, newDir, headerOnlyLog }
    }

    type Stage = (p: {
      stage: string
      oldDir: string
      newDir: string
      headerOnlyLog: Buffer
    }) => Promise<void>
    const copy = (from: string, to: string, name: string, as = name): Promise<void> =>
      fs.copyFile(path.join(from, name), path.join(to, as))
    const stages: [string, Stage, string[]][] = [
      [
        '1: new log half-created',
        async ({ stage, headerOnlyLog }) => {
          await fs.writeFile(path.join(stage, 'journal-1.log.tmp'), headerOnlyLog.subarray(0, 5))
        },
        oldState,
      ],
      [
        '2: new log created, nothing appended yet',
        async ({ stage, headerOnlyLog }) => {
          await fs.writeFile(path.join(stage, 'journal-1.log'), headerOnlyLog)
        },
        oldState,
      ],
      [
        '3: appends made to the new log',
        async ({ stage, newDir }) => {
          await copy(newDir, stage, 'journal-1.log')
        },
        [...oldState, ...during],
      ],
      [
        '4a: snapshot partly written',
        async ({ stage, newDir }) => {
          await copy(newDir, stage, 'journal-1.log')
          const snapshot = await fs.readFile(path.join(newDir, 'snapshot-1.bin'))
          await fs.writeFile(
            path.join(stage, 'snapshot-1.bin.tmp'),
            snapshot.subarray(0, snapshot.length - 5),
          )
        },
        [...oldState, ...during],
      ],
      [
        '4b: snapshot fully written, not renamed',
        async ({ stage, newDir }) => {
          await copy(newDir, stage, 'journal-1.log')
          await copy(newDir, stage, 'snapshot-1.bin', 'snapshot-1.bin.tmp')
        },
        [...oldState, ...during],
      ],
      [
        '5: snapshot renamed, old log not deleted',
        async ({ stage, newDir }) => {
          await copy(newDir, stage, 'journal-1.log')
          await copy(newDir, stage, 'snapshot-1.bin')
        },
        [...newState, ...during],
      ],
      [
        '6: old log deleted',
        async ({ stage, newDir }) => {
          await fs.rm(path.join(stage, 'journal-0.log'))
          await copy(newDir, stage, 'journal-1.log')
          await copy(newDir, stage, 'snapshot-1.bin')
        },
        [...newState, ...during],
      ],
    ]

    for (const [name, build, expected] of stages) {
      it(`stage ${name}`, async () => {
        const prepared = await prepare()
        const stage = path.join(base, 'stage')
        await fs.cp(prepared.oldDir, stage, { recursive: true })
        await build({ stage, ...prepared })

        let journal = await openAt(stage)
        expect(text(journal.replay())).toEqual(expected)
        expect((await names(stage)).filter((n) => n.endsWith('.tmp'))).toEqual([])
        // The reopened journal keeps working: append, compact again, reopen.
        await journal.append(recs('later')[0]!)
        await journal.close()
        journal = await openAt(stage)
        expect(text(journal.replay())).toEqual([...expected, 'later'])
        await journal.compact(recs('final'))
        await journal.append(recs('end')[0]!)
        await journal.close()
        expect(text((await openAt(stage)).replay())).toEqual(['final', 'end'])
        expect((await names(stage)).length).toBe(2)
      })
    }
  })
})
