import type { Doc } from '../bson/codec.ts'
import type { Collection } from './collection.ts'

interface Version {
  seq: number
  before: Doc | undefined
}

/** What MVCC needs to know about an open transaction. */
export interface SnapshotHolder {
  snapshot: number
  /** Final state of every document the transaction wrote (null = deleted), by collection and id key. */
  writes: Map<Collection, Map<string, Doc | null>>
}

/**
 * Minimal multi-version support for snapshot transactions. Every committed document change gets a
 * sequence number; while transactions are open, the pre-image of each change is kept so that a
 * transaction can read the version that was current at its snapshot. History is dropped as soon as
 * no open transaction can need it.
 */
export class Mvcc {
  seq = 0
  readonly active = new Set<SnapshotHolder>()
  private readonly history = new Map<Collection, Map<string, Version[]>>()

  /** Collection write observer: numbers the change and keeps its pre-image if someone may need it. */
  readonly observe = (coll: Collection, id: string, before: Doc | undefined): void => {
    this.seq++
    if (this.active.size === 0) return
    let byId = this.history.get(coll)
    if (!byId) {
      byId = new Map()
      this.history.set(coll, byId)
    }
    const list = byId.get(id)
    if (list) list.push({ seq: this.seq, before })
    else byId.set(id, [{ seq: this.seq, before }])
  }

  /** Registers an open transaction; its snapshot is the current sequence number. */
  begin(holder: SnapshotHolder): void {
    holder.snapshot = this.seq
    this.active.add(holder)
  }

  /** Unregisters a finished transaction and drops history nobody needs any more. */
  end(holder: SnapshotHolder): void {
    this.active.delete(holder)
    if (this.active.size === 0) {
      this.history.clear()
      return
    }
    let min = Infinity
    for (const h of this.active) min = Math.min(min, h.snapshot)
    for (const [coll, byId] of this.history) {
      for (const [id, list] of byId) {
        const kept = list.filter((v) => v.seq > min)
        if (kept.length === 0) byId.delete(id)
        else if (kept.length !== list.length) byId.set(id, kept)
      }
      if (byId.size === 0) this.history.delete(coll)
    }
  }

  /** The committed version of a document as of `snapshot` (undefined when it did not exist). */
  versionAt(coll: Collection, id: string, snapshot: number): Doc | undefined {
    const list = this.history.get(coll)?.get(id)
    if (list) for (const v of list) if (v.seq > snapshot) return v.before
    return coll.docs.get(id)
  }

  /** True when the document was changed by a commit after `snapshot`. */
  changedSince(coll: Collection, id: string, snapshot: number): boolean {
    const list = this.history.get(coll)?.get(id)
    return list !== undefined && list[list.length - 1]!.seq > snapshot
  }

  /** Ids of documents with retained history in a collection (they may be visible to old snapshots). */
  changedIds(coll: Collection): Iterable<string> {
    return this.history.get(coll)?.keys() ?? []
  }

  /** The open transaction (other than `self`) that has written the document, if any. */
  writerOf(coll: Collection, id: string, self: SnapshotHolder | null): SnapshotHolder | null {
    for (const h of this.active) if (h !== self && h.writes.get(coll)?.has(id)) return h
    return null
  }
}
