/**
 * Names of the files in a journal directory and what a directory listing means.
 *
 * A directory holds at most one committed snapshot `snapshot-<gen>.bin` that matters (the highest
 * generation) and one or more logs `journal-<gen>.log`. The live state is that snapshot followed by
 * every log whose generation is at least the snapshot's, in ascending order. Anything else (older
 * generations, `*.tmp` files) is left over from an interrupted compaction and may be deleted.
 */
import fs from 'node:fs/promises'
import path from 'node:path'

/** Name of the lock file holding the owner's pid. */
export const LOCK_FILE = 'LOCK'

/** Suffix of files being written; a file only gets its final name once complete and fsynced. */
export const TMP_SUFFIX = '.tmp'

/** File name of the log of generation `gen`. */
export function logFileName(gen: number): string {
  return `journal-${gen}.log`
}

/** File name of the snapshot of generation `gen`. */
export function snapshotFileName(gen: number): string {
  return `snapshot-${gen}.bin`
}

/** What a directory listing holds, after deciding which files are live. */
export interface Layout {
  /** Generation of the newest committed snapshot; undefined when nothing was ever compacted. */
  snapshotGen: number | undefined
  /** Generations of the live logs, ascending; all are >= snapshotGen. May be empty. */
  logGens: number[]
  /** Names of files left over from interrupted or finished compactions, safe to delete. */
  leftovers: string[]
}

const LOG_RE = /^journal-(\d+)\.log$/
const SNAPSHOT_RE = /^snapshot-(\d+)\.bin$/
const TMP_RE = /^(journal-\d+\.log|snapshot-\d+\.bin)\.tmp$/

/** Classifies the names in a journal directory. Unknown names are ignored. */
export function classify(names: readonly string[]): Layout {
  const logs: number[] = []
  const snapshots: number[] = []
  const leftovers: string[] = []
  for (const name of names) {
    const log = LOG_RE.exec(name)
    const snapshot = SNAPSHOT_RE.exec(name)
    if (log?.[1] !== undefined) logs.push(Number(log[1]))
    else if (snapshot?.[1] !== undefined) snapshots.push(Number(snapshot[1]))
    else if (TMP_RE.test(name)) leftovers.push(name)
  }
  const snapshotGen = snapshots.length > 0 ? Math.max(...snapshots) : undefined
  const floor = snapshotGen ?? 0
  for (const gen of snapshots) if (gen !== snapshotGen) leftovers.push(snapshotFileName(gen))
  for (const gen of logs) if (gen < floor) leftovers.push(logFileName(gen))
  const logGens = logs.filter((gen) => gen >= floor).sort((a, b) => a - b)
  return { snapshotGen, logGens, leftovers }
}

/**
 * Fsyncs a directory so that file creations, renames and deletions in it survive a power loss.
 * Windows cannot open directories for syncing; there it is a no-op.
 */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await fs.open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Writes `parts` to `dir/name` crash-safely: into `name.tmp` first, fsynced, then renamed into place
 * and the directory fsynced. After it resolves the file exists with exactly these bytes, durably;
 * a crash before leaves at most a `.tmp` leftover.
 */
export async function writeFileDurably(dir: string, name: string, parts: Iterable<Buffer>): Promise<void> {
  const tmp = path.join(dir, name + TMP_SUFFIX)
  const handle = await fs.open(tmp, 'w')
  try {
    await writeAll(handle, tmp, parts)
    await handle.sync()
  } catch (error) {
    await handle.close().catch(() => undefined)
    await fs.rm(tmp, { force: true }).catch(() => undefined)
    throw error
  }
  await handle.close()
  await fs.rename(tmp, path.join(dir, name))
  await fsyncDir(dir)
}

/** Writes `parts` from offset 0 with as few writev calls as possible. */
async function writeAll(handle: fs.FileHandle, name: string, parts: Iterable<Buffer>): Promise<void> {
  let position = 0
  let batch: Buffer[] = []
  let batchBytes = 0
  const flush = async (): Promise<void> => {
    const { bytesWritten } = await handle.writev(batch, position)
    if (bytesWritten !== batchBytes)
      throw new Error(`short write to ${name}: ${bytesWritten} of ${batchBytes}`)
    position += batchBytes
    batch = []
    batchBytes = 0
  }
  for (const part of parts) {
    batch.push(part)
    batchBytes += part.length
    if (batch.length >= 1024 || batchBytes >= 8 * 1024 * 1024) await flush()
  }
  if (batch.length > 0) await flush()
}
