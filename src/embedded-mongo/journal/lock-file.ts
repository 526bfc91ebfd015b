/**
 * Directory lock: `dir/LOCK` holds the owner's pid so that two servers cannot use the same dbpath.
 *
 * The lock file is created atomically with its content (written to a private temp file, then
 * hard-linked to `LOCK`, which fails if `LOCK` exists). A lock whose pid is dead is stale (its owner
 * crashed) and is taken over. A lock holding our own pid but not held by this process is stale too:
 * in a container the restarted server often gets the same pid as the crashed one. On Linux the
 * lock also records the kernel boot id, so a lock from before a reboot is stale whatever its pid.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { LOCK_FILE } from './layout.ts'

/** A held directory lock. */
export interface DirLock {
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>
}

/** Directories (real paths) locked by this process, to refuse a second open from the same pid. */
const heldHere = new Set<string>()

/** How many times a stale lock is removed and creation retried before giving up. */
const MAX_ATTEMPTS = 5

/** This boot's id (Linux), or '' where unknown; a lock with another boot id predates a reboot. */
const bootId = ((): string => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim()
  } catch {
    return ''
  }
})()

/** What a lock file says: the holder's pid and the boot it ran in ('' when not recorded). */
interface LockOwner {
  pid: number
  boot: string
}

/** True when a process with this pid exists (a zombie counts; reap children before reopening). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Reads a lock file; undefined when missing or unreadable (e.g. empty after a power loss). */
async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const [pidLine = '', boot = ''] = (await fs.readFile(file, 'latin1')).split('\n')
    const pid = Number.parseInt(pidLine, 10)
    return Number.isSafeInteger(pid) && pid > 0 ? { pid, boot: boot.trim() } : undefined
  } catch {
    return undefined
  }
}

/** True when the lock's owner may still be running (same boot, and its pid is alive and not ours). */
function ownerRunning(owner: LockOwner): boolean {
  if (owner.pid === process.pid) return false
  if (owner.boot !== '' && bootId !== '' && owner.boot !== bootId) return false
  return isAlive(owner.pid)
}

/** Creates `file` with `content` atomically; false when it already exists. */
async function createExclusive(dir: string, file: string, content: string): Promise<boolean> {
  const tmp = path.join(dir, `${LOCK_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  await fs.writeFile(tmp, content)
  try {
    await fs.link(tmp, file)
    return true
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error
    // No hard links on this file system: fall back to exclusive create (not atomic with the content).
    try {
      await fs.writeFile(file, content, { flag: 'wx' })
      return true
    } catch (fallbackError) {
      if ((fallbackError as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw fallbackError
    }
  } finally {
    await fs.rm(tmp, { force: true })
  }
}

/**
 * Locks `dir` (which must exist) for this process. Rejects with a message naming the holder when a
 * live process, or this process through another open journal, holds it; takes over a stale lock and
 * reports that through `log`.
 */
export async function acquireDirLock(dir: string, log: (line: string) => void): Promise<DirLock> {
  const realDir = await fs.realpath(dir)
  const file = path.join(realDir, LOCK_FILE)
  if (heldHere.has(realDir)) {
    throw new Error(`journal: ${realDir} is already open in this process (pid ${process.pid})`)
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (await createExclusive(realDir, file, `${process.pid}\n${bootId}\n`)) {
      heldHere.add(realDir)
      let released = false
      return {
        async release() {
          if (released) return
          released = true
          heldHere.delete(realDir)
          if ((await readOwner(file))?.pid === process.pid) await fs.rm(file, { force: true })
        },
      }
    }
    const owner = await readOwner(file)
    if (owner !== undefined && ownerRunning(owner)) {
      throw new Error(
        `journal: ${realDir} is locked by running process ${owner.pid} (${file}); ` +
          'another server is using this dbpath. If no server is running, delete the LOCK file.',
      )
    }
    log(`journal: taking over stale lock ${file} (pid ${owner?.pid ?? 'unreadable'} is not running)`)
    await fs.rm(file, { force: true })
  }
  throw new Error(`journal: could not lock ${realDir}: the lock file kept reappearing`)
}
