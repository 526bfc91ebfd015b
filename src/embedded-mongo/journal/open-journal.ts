/**
 * Opening a journal directory: lock it, finish or discard an interrupted compaction, check the
 * file headers, and hand over to {@link JournalImpl}.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { JournalCorruptError } from './errors.ts'
import {
  FILE_HEADER_BYTES,
  FOOTER_BYTES,
  LOG_MAGIC,
  SNAPSHOT_MAGIC,
  checkFileHeader,
  decodeFooter,
  encodeFileHeader,
} from './format.ts'
import type { Journal, JournalOptions } from './index.ts'
import { JournalImpl } from './journal.ts'
import { classify, fsyncDir, logFileName, snapshotFileName, writeFileDurably } from './layout.ts'
import { acquireDirLock } from './lock-file.ts'

/** Default of {@link JournalOptions.compactThresholdBytes}: 64 MiB. */
export const DEFAULT_COMPACT_THRESHOLD_BYTES = 64 * 1024 * 1024
/** Default of {@link JournalOptions.compactRatio}. */
export const DEFAULT_COMPACT_RATIO = 2

/** Reads the first `length` bytes of a file and its size. */
async function readHead(file: string, length: number): Promise<{ head: Buffer; size: number }> {
  const handle = await fs.open(file, 'r')
  try {
    const head = Buffer.alloc(length)
    const { bytesRead } = await handle.read(head, 0, length, 0)
    return { head: head.subarray(0, bytesRead), size: (await handle.stat()).size }
  } finally {
    await handle.close()
  }
}

/** Checks a committed snapshot's header and footer; returns its size in bytes. */
async function checkSnapshot(file: string): Promise<number> {
  const handle = await fs.open(file, 'r')
  try {
    const size = (await handle.stat()).size
    const head = Buffer.alloc(FILE_HEADER_BYTES)
    await handle.read(head, 0, FILE_HEADER_BYTES, 0)
    const headerProblem = checkFileHeader(head, SNAPSHOT_MAGIC)
    if (size < FILE_HEADER_BYTES + FOOTER_BYTES || headerProblem) {
      throw new JournalCorruptError(`journal: snapshot ${file}: ${headerProblem ?? 'too short'}`)
    }
    const footer = Buffer.alloc(FOOTER_BYTES)
    await handle.read(footer, 0, FOOTER_BYTES, size - FOOTER_BYTES)
    if (decodeFooter(footer) === undefined) {
      throw new JournalCorruptError(`journal: snapshot ${file} has no valid footer (truncated or damaged)`)
    }
    return size
  } finally {
    await handle.close()
  }
}

/**
 * Opens (creating if missing) the journal in directory `dir`. Takes `dir/LOCK`: rejects with a
 * message naming the pid when a running process (or another open journal in this process) holds it,
 * takes over a lock left by a dead process. Deletes leftovers of an interrupted compaction. Rejects
 * with JournalCorruptError when a committed snapshot or a log header is damaged.
 */
export async function openJournal(dir: string, options: JournalOptions = {}): Promise<Journal> {
  const logger = options.logger ?? ((line: string) => console.warn(line))
  await fs.mkdir(dir, { recursive: true })
  const lock = await acquireDirLock(dir, logger)
  try {
    // A rename done just before a process crash may still be only in the page cache: make it
    // durable before deleting the files it superseded.
    await fsyncDir(dir)
    const layout = classify(await fs.readdir(dir))
    for (const name of layout.leftovers) await fs.rm(path.join(dir, name), { force: true })
    if (layout.leftovers.length > 0) {
      logger(`journal: removed leftovers of an earlier compaction: ${layout.leftovers.join(', ')}`)
    }

    let snapshotBytes = 0
    if (layout.snapshotGen !== undefined) {
      snapshotBytes = await checkSnapshot(path.join(dir, snapshotFileName(layout.snapshotGen)))
    }
    if (layout.logGens.length === 0) {
      const gen = layout.snapshotGen ?? 0
      await writeFileDurably(dir, logFileName(gen), [encodeFileHeader(LOG_MAGIC)])
      layout.logGens.push(gen)
    }
    let logBytes = 0
    for (const gen of layout.logGens) {
      const file = path.join(dir, logFileName(gen))
      const { head, size } = await readHead(file, FILE_HEADER_BYTES)
      const problem = checkFileHeader(head, LOG_MAGIC)
      if (problem) throw new JournalCorruptError(`journal: log ${file}: ${problem}`)
      logBytes += size - FILE_HEADER_BYTES
    }

    const activeGen = layout.logGens[layout.logGens.length - 1]!
    const handle = await fs.open(path.join(dir, logFileName(activeGen)), 'r+')
    return new JournalImpl({
      dir,
      lock,
      logger,
      snapshotGen: layout.snapshotGen,
      logGens: layout.logGens,
      active: { handle, gen: activeGen },
      logBytes,
      snapshotBytes,
      compactThresholdBytes: options.compactThresholdBytes ?? DEFAULT_COMPACT_THRESHOLD_BYTES,
      compactRatio: options.compactRatio ?? DEFAULT_COMPACT_RATIO,
    })
  } catch (error) {
    await lock.release()
    throw error
  }
}
