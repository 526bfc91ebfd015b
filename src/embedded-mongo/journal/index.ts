/**
 * Durability journal of the embedded database: an append-only log of opaque records with group
 * commit, plus snapshot-based compaction. Uses only Node built-ins and nothing from the app.
 *
 * Directory layout and file format: see `layout.ts` and `format.ts`.
 */
export { openJournal } from './open-journal.ts'
export { JournalCorruptError } from './errors.ts'
export { MAX_RECORD_BYTES } from './format.ts'

/** Tuning of a journal; every field is optional. */
export interface JournalOptions {
  /**
   * Compact when the log exceeds this many bytes and is this many times larger than the last
   * snapshot; defaults 64 MiB and 2. The journal cannot build a snapshot itself, so it only
   * reports the decision through {@link Journal.shouldCompact}; the owner calls compact().
   */
  compactThresholdBytes?: number
  compactRatio?: number
  /** Receives operational messages (torn tail cut, stale lock taken over); default console.warn. */
  logger?: (line: string) => void
}

/** An open journal; see {@link openJournal}. */
export interface Journal {
  /**
   * Records written before this open, in write order; a torn or corrupt tail is detected (length +
   * checksum per record), cut off (file truncated to the last good record) and reported via logger,
   * never thrown. Call once, before the first append. Reads lazily with synchronous I/O; each record
   * is a fresh buffer the caller may keep. Throws JournalCorruptError if the snapshot (written
   * atomically, so never legitimately torn) is damaged, and throws if iterated after an append or
   * compact started (an append before replay finished checks and repairs the tail by itself).
   */
  replay(): Iterable<Uint8Array>
  /**
   * Appends one record (copied at the call, at most MAX_RECORD_BYTES = 48 MiB); resolves only after
   * the bytes are fsynced (group commit: many concurrent appends share one fsync). Rejects if the
   * write fails; after a failed write or fsync every later append rejects too (the durable content
   * of the file is then unknown; close and reopen to recover). Order of resolution = order of
   * append calls.
   */
  append(record: Uint8Array): Promise<void>
  /** Bytes in the live log since the last snapshot (framed records: payload + 8 per record). */
  readonly logBytes: number
  /** Bytes of the last snapshot file (from the last compact() call, or found at open); 0 if none. */
  readonly snapshotBytes: number
  /**
   * True when logBytes exceeds compactThresholdBytes and is compactRatio times snapshotBytes, and no
   * compaction is running: the owner should call compact(). Addition to the agreed API.
   */
  readonly shouldCompact: boolean
  /**
   * Atomically replaces all history with the given records (a snapshot of the current state): write
   * a new snapshot file, fsync it, fsync the directory, rename it into place, start a fresh log;
   * crash at any point leaves either the old or the new state, never a mix or a loss. Appends
   * issued while compacting must not be lost and must come after the snapshot in replay order.
   *
   * `snapshot` is iterated synchronously inside this call (records are copied), so it captures the
   * state exactly at the call: appends issued before the call belong to the snapshot, appends
   * issued after it replay after it. Compactions run one at a time, in call order.
   */
  compact(snapshot: Iterable<Uint8Array>): Promise<void>
  /** Flushes pending appends, waits for a running compaction, closes files and releases the lock. */
  close(): Promise<void>
}
