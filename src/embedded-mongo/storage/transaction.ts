import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { idKeyOf } from './collection.ts'
import type { Collection } from './collection.ts'
import type { Engine, WriteUnit } from './engine.ts'
import type { SnapshotHolder } from './mvcc.ts'
import { candidateDocs } from './planner.ts'
import type { ScanStats } from './planner.ts'
import type { CollectionView } from './views.ts'

/** Transaction states, as in mongod. */
export type TxnStatus = 'active' | 'committed' | 'aborted'

/** Builds the WriteConflict error that makes drivers retry the whole transaction. */
export function writeConflict(): MongoCommandError {
  return new MongoCommandError(
    ErrorCode.WriteConflict,
    'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
    {},
    ['TransientTransactionError'],
  )
}

/** A multi-document transaction: a snapshot plus a private write set, applied atomically at commit. */
export class Transaction implements SnapshotHolder {
  snapshot = 0
  status: TxnStatus = 'active'
  readonly writes = new Map<Collection, Map<string, Doc | null>>()
  lastUsed = Date.now()

  constructor(
    readonly engine: Engine,
    readonly txnNumber: bigint,
  ) {
    engine.mvcc.begin(this)
  }

  /** A view of one collection through this transaction. */
  view(db: string, name: string): CollectionView {
    return new TxnView(this, db, name)
  }

  /** Marks a write; fails fast with WriteConflict when someone else changed or holds the document. */
  claim(coll: Collection, id: string): Map<string, Doc | null> {
    const mvcc = this.engine.mvcc
    if (mvcc.changedSince(coll, id, this.snapshot) || mvcc.writerOf(coll, id, this)) throw writeConflict()
    let byId = this.writes.get(coll)
    if (!byId) {
      byId = new Map()
      this.writes.set(coll, byId)
    }
    return byId
  }

  /**
   * Applies the write set to committed state as one unit. Throws WriteConflict if a document was
   * changed after the snapshot, or E11000 on a unique violation; nothing is applied in that case.
   */
  commit(unit: WriteUnit): void {
    const mvcc = this.engine.mvcc
    for (const [coll, byId] of this.writes) {
      // A collection dropped or renamed meanwhile: the writes would land nowhere.
      if (this.engine.getCollection(coll.db, coll.name) !== coll) throw writeConflict()
      for (const id of byId.keys()) if (mvcc.changedSince(coll, id, this.snapshot)) throw writeConflict()
    }
    const undo: (() => void)[] = []
    try {
      // Deletes first, then updates and inserts; an update or insert that collides with a key the
      // transaction frees later is retried after the others (e.g. two documents swapping keys).
      for (const [coll, byId] of this.writes) {
        for (const [id, doc] of byId) {
          const current = coll.docs.get(id)
          if (doc === null && current) {
            this.engine.removeDoc(unit, coll, id)
            undo.push(() => coll.insert(current))
          }
        }
      }
      let pending: [Collection, string, Doc][] = []
      for (const [coll, byId] of this.writes)
        for (const [id, doc] of byId) if (doc) pending.push([coll, id, doc])
      while (pending.length > 0) {
        const deferred: [Collection, string, Doc][] = []
        let lastError: unknown = null
        for (const item of pending) {
          try {
            this.applyOne(unit, item, undo)
          } catch (err) {
            if ((err as { code?: number }).code !== 11000) throw err
            deferred.push(item)
            lastError = err
          }
        }
        if (deferred.length === pending.length && lastError) {
          // Keys that only work out together (a swap): take all these documents out, then put
          // their new versions in.
          for (const [coll, id] of deferred) {
            const current = coll.docs.get(id)
            if (current) {
              this.engine.removeDoc(unit, coll, id)
              undo.push(() => coll.insert(current))
            }
          }
          for (const [coll, id, doc] of deferred) {
            this.engine.insertDoc(unit, coll, doc)
            undo.push(() => coll.remove(id))
          }
          break
        }
        pending = deferred
      }
    } catch (err) {
      for (const fn of undo.reverse()) fn()
      unit.ops.length = 0
      throw err
    }
    this.finish('committed')
  }

  private applyOne(unit: WriteUnit, [coll, id, doc]: [Collection, string, Doc], undo: (() => void)[]): void {
    const current = coll.docs.get(id)
    if (current) {
      this.engine.replaceDoc(unit, coll, id, doc)
      undo.push(() => coll.replace(id, current))
    } else {
      this.engine.insertDoc(unit, coll, doc)
      undo.push(() => coll.remove(id))
    }
  }

  /** Discards the write set. */
  abort(): void {
    this.finish('aborted')
  }

  private finish(status: TxnStatus): void {
    this.status = status
    this.engine.mvcc.end(this)
  }
}

class TxnView implements CollectionView {
  constructor(
    private readonly txn: Transaction,
    readonly db: string,
    readonly name: string,
  ) {}

  collection(): Collection | undefined {
    return this.txn.engine.getCollection(this.db, this.name)
  }

  private ensure(): Collection {
    return this.collection() ?? this.txn.engine.createCollection(null, this.db, this.name)
  }

  get(id: string): Doc | undefined {
    const coll = this.collection()
    if (!coll) return undefined
    const own = this.txn.writes.get(coll)?.get(id)
    if (own !== undefined) return own ?? undefined
    return this.txn.engine.mvcc.versionAt(coll, id, this.txn.snapshot)
  }

  *candidates(filter: unknown, stats: ScanStats): Iterable<Doc> {
    const coll = this.collection()
    if (!coll) return
    const seen = new Set<string>()
    const emit = (id: string): Doc | undefined => {
      if (seen.has(id)) return undefined
      seen.add(id)
      return this.get(id)
    }
    for (const doc of candidateDocs(coll, filter, stats)) {
      const d = emit(idKeyOf(doc._id))
      if (d) yield d
    }
    for (const id of [...this.txn.engine.mvcc.changedIds(coll)]) {
      const d = emit(id)
      if (d) yield d
    }
    for (const id of [...(this.txn.writes.get(coll)?.keys() ?? [])]) {
      const d = emit(id)
      if (d) yield d
    }
  }

  orderedCandidates(): Iterable<Doc> | null {
    return null
  }

  all(): Iterable<Doc> {
    return this.candidates({}, { plan: '', keysExamined: 0, docsExamined: 0 })
  }

  insert(doc: Doc): void {
    const coll = this.ensure()
    const id = idKeyOf(doc._id)
    if (this.get(id))
      throw (coll.indexes.get('_id_') as { duplicateError(k: unknown[]): Error }).duplicateError([doc._id])
    this.checkUnique(coll, doc, id)
    this.txn.claim(coll, id).set(id, doc)
  }

  replace(id: string, next: Doc): void {
    const coll = this.ensure()
    this.checkUnique(coll, next, id)
    this.txn.claim(coll, id).set(id, next)
  }

  remove(id: string): void {
    const coll = this.ensure()
    this.txn.claim(coll, id).set(id, null)
  }

  /** Unique checks against the snapshot as modified by this transaction. */
  private checkUnique(coll: Collection, doc: Doc, id: string): void {
    for (const index of coll.indexes.values()) {
      if (!index.unique || index.name === '_id_') continue
      for (const key of index.keysFor(doc)) {
        const probe: Record<string, unknown> = {}
        index.fields.forEach((f, i) => (probe[f.path] = key[i] ?? null))
        for (const other of this.candidates(probe, { plan: '', keysExamined: 0, docsExamined: 0 })) {
          const otherId = idKeyOf(other._id)
          if (otherId === id) continue
          const clash = index.keysFor(other).some((k) => k.every((v, i) => idKeyOf(v) === idKeyOf(key[i])))
          if (clash) throw index.duplicateError(key)
        }
      }
    }
  }
}
