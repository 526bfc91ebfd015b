/**
 * The journal proper: replay with tail repair, group-committed appends, and compaction that
 * switches to a new log generation. Opening the directory is in `open-journal.ts`.
 */
import fsp from 'node:fs/promises'
import path from 'node:path'
import {
  FILE_HEADER_BYTES,
  FOOTER_BYTES,
  LOG_MAGIC,
  SNAPSHOT_MAGIC,
  encodeFileHeader,
  encodeFooter,
  encodeFrame,
} from './format.ts'
import { readLogFile, readSnapshotFile } from './file-readers.ts'
import { GroupCommitter } from './group-committer.ts'
import type { Journal } from './index.ts'
import { fsyncDir, logFileName, snapshotFileName, writeFileDurably } from './layout.ts'
import type { DirLock } from './lock-file.ts'

/** The log appends go to. `position` is where the next batch is written. */
interface ActiveLog {
  handle: fsp.FileHandle
  gen: number
  position?: number
}

/** Everything {@link JournalImpl} needs from opening; see `open-journal.ts`. */
export interface JournalState {
  dir: string
  lock: DirLock
  logger: (line: string) => void
  snapshotGen: number | undefined
  logGens: number[]
  active: ActiveLog
  logBytes: number
  snapshotBytes: number
  compactThresholdBytes: number
  compactRatio: number
}

/** Implementation of {@link Journal}; create it with openJournal. */
export class JournalImpl implements Journal {
  private readonly dir: string
  private readonly lock: DirLock
  private readonly log: (line: string) => void
  private snapshotGen: number | undefined
  private logGens: number[]
  private active: ActiveLog
  private readonly committer: GroupCommitter
  private readonly compactThresholdBytes: number
  private readonly compactRatio: number
  private currentLogBytes: number
  private currentSnapshotBytes: number
  private replayCalled = false
  /** Set once an append or compact has run; replay must not continue after that. */
  private writesStarted = false
  private compactions = 0
  /** Generation of the next log and snapshot created by compact(). */
  private nextGen: number
  private compactChain: Promise<void> = Promise.resolve()
  private closing: Promise<void> | undefined

  constructor(state: JournalState) {
    this.dir = state.dir
    this.lock = state.lock
    this.log = state.logger
    this.snapshotGen = state.snapshotGen
    this.logGens = state.logGens
    this.active = state.active
    this.currentLogBytes = state.logBytes
    this.currentSnapshotBytes = state.snapshotBytes
    this.compactThresholdBytes = state.compactThresholdBytes
    this.compactRatio = state.compactRatio
    this.nextGen = Math.max(state.active.gen, state.snapshotGen ?? 0, ...state.logGens) + 1
    this.committer = new GroupCommitter({
      writeDurably: (frames, bytes) => this.writeDurably(frames, bytes),
    })
  }

  get logBytes(): number {
    return this.currentLogBytes
  }

  get snapshotBytes(): number {
    return this.currentSnapshotBytes
  }

  get shouldCompact(): boolean {
    return (
      this.compactions === 0 &&
      this.currentLogBytes > this.compactThresholdBytes &&
      this.currentLogBytes > this.compactRatio * this.currentSnapshotBytes
    )
  }

  replay(): Iterable<Uint8Array> {
    if (this.replayCalled) throw new Error('journal: replay() may be called only once')
    if (this.writesStarted) throw new Error('journal: replay() must come before the first append or compact')
    this.replayCalled = true
    return this.replayRecords()
  }

  async append(record: Uint8Array): Promise<void> {
    this.beforeWrite()
    const frame = encodeFrame(record)
    this.currentLogBytes += frame.length
    return this.committer.append(frame)
  }

  async compact(snapshot: Iterable<Uint8Array>): Promise<void> {
    this.beforeWrite()
    // Capture the snapshot and place the log switch in the same synchronous step, so that exactly
    // the appends issued before this call are covered by the snapshot.
    const frames: Buffer[] = []
    let bytes = FILE_HEADER_BYTES + FOOTER_BYTES
    for (const record of snapshot) {
      const frame = encodeFrame(record)
      frames.push(frame)
      bytes += frame.length
    }
    const gen = this.nextGen++
    const saved = { logBytes: this.currentLogBytes, snapshotBytes: this.currentSnapshotBytes }
    this.currentLogBytes = 0
    this.currentSnapshotBytes = bytes
    this.compactions++

    let switchError: unknown
    const created = writeFileDurably(this.dir, logFileName(gen), [encodeFileHeader(LOG_MAGIC)]).then(() =>
      fsp.open(path.join(this.dir, logFileName(gen)), 'r+'),
    )
    created.catch(() => undefined)
    const switched = this.committer.barrier(async () => {
      let handle: fsp.FileHandle
      try {
        handle = await created
      } catch (error) {
        switchError = error // keep appending to the old log; only this compaction fails
        return
      }
      const old = this.active
      this.active = { handle, gen, position: FILE_HEADER_BYTES }
      this.logGens.push(gen)
      await old.handle.close()
    })

    const run = async (): Promise<void> => {
      try {
        await switched
        if (switchError !== undefined) throw switchError
        await writeFileDurably(this.dir, snapshotFileName(gen), snapshotParts(frames))
      } catch (error) {
        this.currentLogBytes += saved.logBytes
        this.currentSnapshotBytes = saved.snapshotBytes
        throw error
      } finally {
        this.compactions--
      }
      // Committed: the snapshot covers every log before generation `gen`.
      const obsolete = [
        ...this.logGens.filter((g) => g < gen).map(logFileName),
        ...(this.snapshotGen === undefined ? [] : [snapshotFileName(this.snapshotGen)]),
      ]
      this.snapshotGen = gen
      this.logGens = this.logGens.filter((g) => g >= gen)
      for (const name of obsolete) await fsp.rm(path.join(this.dir, name), { force: true })
      await fsyncDir(this.dir)
    }
    const job = this.compactChain.then(run)
    this.compactChain = job.catch(() => undefined)
    return job
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async shutdown(): Promise<void> {
    try {
      await this.compactChain
      await this.committer
        .barrier(() => this.active.handle.close())
        .catch(async () => {
          await this.active.handle.close().catch(() => undefined)
        })
    } finally {
      await this.lock.release()
    }
  }

  /** Common checks of append and compact; makes sure the log tail is known to be good. */
  private beforeWrite(): void {
    if (this.closing) throw new Error('journal: closed')
    const failure = this.committer.failed
    if (failure) throw new Error(`journal: an earlier write failed, reopen to recover: ${failure.message}`)
    if (this.active.position === undefined) {
      for (const _ of this.scanLogs()) {
        // Only checks and repairs the tail; the records are not needed.
      }
    }
    this.writesStarted = true
  }

  private async writeDurably(frames: Buffer[], bytes: number): Promise<void> {
    const { handle, position } = this.active
    if (position === undefined) throw new Error('journal: log tail not checked')
    const { bytesWritten } = await handle.writev(frames, position)
    if (bytesWritten !== bytes) throw new Error(`journal: short write (${bytesWritten} of ${bytes} bytes)`)
    await handle.datasync()
    this.active.position = position + bytes
  }

  private *replayRecords(): Generator<Uint8Array, void, undefined> {
    const snapshot =
      this.snapshotGen === undefined
        ? []
        : readSnapshotFile(path.join(this.dir, snapshotFileName(this.snapshotGen)))
    for (const source of [snapshot, this.scanLogs()]) {
      for (const record of source) {
        yield record
        if (this.writesStarted) throw new Error('journal: replay() continued after an append or compact')
      }
    }
  }

  /**
   * Yields the records of every live log in order, cutting a bad tail off each, and records the
   * write position of the active log.
   */
  private *scanLogs(): Generator<Buffer, void, undefined> {
    for (const gen of this.logGens) {
      const end = yield* readLogFile(path.join(this.dir, logFileName(gen)), this.log)
      this.currentLogBytes -= end.cutBytes
      if (gen === this.active.gen) this.active.position = end.goodEnd
    }
  }
}

/** The parts of a snapshot file: header, frames, footer. */
function* snapshotParts(frames: Buffer[]): Generator<Buffer, void, undefined> {
  yield encodeFileHeader(SNAPSHOT_MAGIC)
  yield* frames
  yield encodeFooter(frames.length)
}
