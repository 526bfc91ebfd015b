import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { Collection, idKeyOf } from './collection.ts'
import type { IndexSpec } from './index-store.ts'
import { Mvcc } from './mvcc.ts'
import { splitNs } from './records.ts'
import type { LogOp } from './records.ts'

/** The changes made by one command (or one committed transaction), journaled as one record. */
export class WriteUnit {
  readonly ops: LogOp[] = []
}

const VALID_DB = /^[^/\\. "$*<>:|?]+$/

/** Throws InvalidNamespace for names mongod would refuse. */
export function checkNames(db: string, coll?: string): void {
  if (!VALID_DB.test(db) || db.length > 63)
    throw new MongoCommandError(ErrorCode.InvalidNamespace, `Invalid database name: '${db}'`)
  if (
    coll !== undefined &&
    (coll.length === 0 || coll.includes('$') || coll.startsWith('.') || coll.includes('\0'))
  ) {
    throw new MongoCommandError(ErrorCode.InvalidNamespace, `Invalid collection name: ${coll}`)
  }
}

/**
 * The database catalog and the single place where committed state changes. Every change is also
 * appended, as a {@link LogOp}, to the {@link WriteUnit} of the command that made it.
 */
export class Engine {
  private readonly dbs = new Map<string, Map<string, Collection>>()
  readonly mvcc = new Mvcc()

  /** Names of databases that hold at least one collection. */
  databaseNames(): string[] {
    return [...this.dbs.entries()].filter(([, colls]) => colls.size > 0).map(([name]) => name)
  }

  /** Collections of a database (empty map when absent). */
  collections(db: string): Map<string, Collection> {
    return this.dbs.get(db) ?? new Map()
  }

  /** Looks up a collection. */
  getCollection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name)
  }

  /** Creates a collection (with its `_id` index); throws NamespaceExists when `strict` and it exists. */
  createCollection(
    unit: WriteUnit | null,
    db: string,
    name: string,
    options: Record<string, unknown> = {},
    strict = false,
  ): Collection {
    checkNames(db, name)
    const existing = this.getCollection(db, name)
    if (existing) {
      if (strict)
        throw new MongoCommandError(ErrorCode.NamespaceExists, `Collection ${db}.${name} already exists.`)
      return existing
    }
    let colls = this.dbs.get(db)
    if (!colls) {
      colls = new Map()
      this.dbs.set(db, colls)
    }
    const coll = new Collection(db, name, options)
    coll.observer = this.mvcc.observe
    colls.set(name, coll)
    unit?.ops.push({ t: 'cc', ns: coll.ns, o: options })
    return coll
  }

  /** Drops a collection; returns false when it did not exist. */
  dropCollection(unit: WriteUnit | null, db: string, name: string): boolean {
    const colls = this.dbs.get(db)
    const coll = colls?.get(name)
    if (!colls || !coll) return false
    colls.delete(name)
    if (colls.size === 0) this.dbs.delete(db)
    unit?.ops.push({ t: 'dc', ns: coll.ns })
    return true
  }

  /** Drops every collection of a database. */
  dropDatabase(unit: WriteUnit | null, db: string): void {
    if (!this.dbs.delete(db)) return
    unit?.ops.push({ t: 'dd', db })
  }

  /** Renames a collection, possibly across databases. */
  renameCollection(unit: WriteUnit | null, from: string, to: string, dropTarget: boolean): void {
    const [fdb, fname] = splitNs(from)
    const [tdb, tname] = splitNs(to)
    checkNames(tdb, tname)
    const coll = this.getCollection(fdb, fname)
    if (!coll) throw new MongoCommandError(ErrorCode.NamespaceNotFound, 'source namespace does not exist')
    if (this.getCollection(tdb, tname)) {
      if (!dropTarget) throw new MongoCommandError(ErrorCode.NamespaceExists, 'target namespace exists')
      this.dropCollection(null, tdb, tname)
    }
    this.dropCollection(null, fdb, fname)
    const target = this.createCollection(null, tdb, tname, coll.options)
    for (const index of coll.indexes.values()) if (index.name !== '_id_') target.createIndex(index.spec)
    for (const doc of coll.docs.values()) target.insert(doc)
    unit?.ops.push({ t: 'rn', from, to })
  }

  /** Creates an index; returns false when an identical one existed. */
  createIndex(unit: WriteUnit | null, coll: Collection, spec: IndexSpec): boolean {
    const created = coll.createIndex(spec)
    if (created) unit?.ops.push({ t: 'ci', ns: coll.ns, spec })
    return created
  }

  /** Drops an index by name. */
  dropIndex(unit: WriteUnit | null, coll: Collection, name: string): void {
    coll.dropIndex(name)
    unit?.ops.push({ t: 'di', ns: coll.ns, name })
  }

  /** Inserts a document (with `_id`) into a collection, logging it. */
  insertDoc(unit: WriteUnit | null, coll: Collection, doc: Doc): void {
    coll.insert(doc)
    unit?.ops.push({ t: 'i', ns: coll.ns, d: doc })
  }

  /** Replaces a stored document, logging the new version. */
  replaceDoc(unit: WriteUnit | null, coll: Collection, id: string, doc: Doc): void {
    coll.replace(id, doc)
    unit?.ops.push({ t: 'u', ns: coll.ns, d: doc })
  }

  /** Deletes a stored document, logging its `_id`. */
  removeDoc(unit: WriteUnit | null, coll: Collection, id: string): Doc | undefined {
    const prev = coll.remove(id)
    if (prev) unit?.ops.push({ t: 'd', ns: coll.ns, id: prev._id })
    return prev
  }

  /** Applies logged ops during journal replay (idempotent: inserts of existing ids replace them). */
  applyOps(ops: LogOp[]): void {
    for (const op of ops) {
      switch (op.t) {
        case 'i':
        case 'u': {
          const [db, name] = splitNs(op.ns)
          const coll = this.createCollection(null, db, name)
          const id = idKeyOf(op.d._id)
          if (coll.docs.has(id)) coll.replace(id, op.d)
          else coll.insert(op.d)
          break
        }
        case 'd': {
          const [db, name] = splitNs(op.ns)
          this.getCollection(db, name)?.remove(idKeyOf(op.id))
          break
        }
        case 'cc': {
          const [db, name] = splitNs(op.ns)
          this.createCollection(null, db, name, op.o)
          break
        }
        case 'dc': {
          const [db, name] = splitNs(op.ns)
          this.dropCollection(null, db, name)
          break
        }
        case 'ci': {
          const [db, name] = splitNs(op.ns)
          this.createCollection(null, db, name).createIndex(op.spec)
          break
        }
        case 'di': {
          const [db, name] = splitNs(op.ns)
          const coll = this.getCollection(db, name)
          if (coll?.indexes.has(op.name)) coll.dropIndex(op.name)
          break
        }
        case 'rn':
          this.renameCollection(null, op.from, op.to, true)
          break
        case 'dd':
          this.dropDatabase(null, op.db)
          break
        case 'part':
          break
        case 'clr': {
          const [db, name] = splitNs(op.ns)
          this.getCollection(db, name)?.clear()
          break
        }
      }
    }
  }

  /** Every collection, for snapshots and TTL sweeps. */
  *allCollections(): Generator<Collection> {
    for (const colls of this.dbs.values()) yield* colls.values()
  }
}
