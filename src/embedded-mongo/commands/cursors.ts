import { calculateObjectSize, Long } from 'bson'
import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'

/** Reply batches stop growing past this many bytes (mongod uses 16 MiB). */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024

interface OpenCursor {
  id: bigint
  ns: string
  source: Iterator<Doc>
  /** A document read ahead to learn whether the cursor is exhausted. */
  peeked: Doc | undefined
  lastUsed: number
  lsidKey: string | null
}

/** Server-side cursors: batching, getMore, killCursors and idle timeout. */
export class CursorStore {
  private readonly open = new Map<bigint, OpenCursor>()
  private nextId = BigInt(Date.now()) * 1000n + BigInt(Math.floor(Math.random() * 1000))

  constructor(private readonly timeoutMs: number) {}

  /** Number of open cursors. */
  get size(): number {
    return this.open.size
  }

  /**
   * Builds a `{cursor: {firstBatch, id, ns}}` reply from a document source, registering a cursor
   * when more documents remain (unless `singleBatch`).
   */
  firstBatch(
    ns: string,
    source: Iterable<Doc>,
    batchSize: number | undefined,
    singleBatch: boolean,
    lsidKey: string | null,
  ): Doc {
    const it = source[Symbol.iterator]()
    const cursor: OpenCursor = { id: 0n, ns, source: it, peeked: undefined, lastUsed: Date.now(), lsidKey }
    const batch = this.take(cursor, batchSize ?? 101)
    let id = 0n
    if (!singleBatch && cursor.peeked !== undefined) {
      id = this.nextId++
      cursor.id = id
      this.open.set(id, cursor)
    }
    return { cursor: { firstBatch: batch, id: Long.fromBigInt(id), ns }, ok: 1 }
  }

  /** Serves a getMore. */
  getMore(id: bigint, ns: string, batchSize: number | undefined): Doc {
    const cursor = this.open.get(id)
    if (!cursor) throw new MongoCommandError(ErrorCode.CursorNotFound, `cursor id ${id} not found`)
    if (cursor.ns !== ns) {
      throw new MongoCommandError(
        ErrorCode.BadValue,
        `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
      )
    }
    cursor.lastUsed = Date.now()
    const batch = this.take(cursor, batchSize ?? Number.MAX_SAFE_INTEGER)
    let replyId = id
    if (cursor.peeked === undefined) {
      this.open.delete(id)
      replyId = 0n
    }
    return { cursor: { nextBatch: batch, id: Long.fromBigInt(replyId), ns }, ok: 1 }
  }

  /** Kills cursors; returns the killed and not-found ids. */
  kill(ids: bigint[]): { killed: bigint[]; notFound: bigint[] } {
    const killed: bigint[] = []
    const notFound: bigint[] = []
    for (const id of ids) (this.open.delete(id) ? killed : notFound).push(id)
    return { killed, notFound }
  }

  /** Kills every cursor belonging to a session (endSessions). */
  killSession(lsidKey: string): void {
    for (const [id, c] of this.open) if (c.lsidKey === lsidKey) this.open.delete(id)
  }

  /** Closes cursors idle for longer than the timeout. */
  sweep(now = Date.now()): void {
    for (const [id, c] of this.open) if (now - c.lastUsed > this.timeoutMs) this.open.delete(id)
  }

  private take(cursor: OpenCursor, limit: number): Doc[] {
    const batch: Doc[] = []
    let bytes = 0
    while (batch.length < limit) {
      let doc = cursor.peeked
      if (doc !== undefined) cursor.peeked = undefined
      else {
        const r = cursor.source.next()
        if (r.done) return batch
        doc = r.value
      }
      // The first document always goes out; later ones only while the reply stays under 16 MiB.
      if (batch.length > 0) {
        if (batch.length === 1) bytes = calculateObjectSize(batch[0] as Doc)
        const size = calculateObjectSize(doc)
        if (bytes + size > MAX_BATCH_BYTES) {
          cursor.peeked = doc
          return batch
        }
        bytes += size
      }
      batch.push(doc)
    }
    const r = cursor.source.next()
    if (!r.done) cursor.peeked = r.value
    return batch
  }
}
