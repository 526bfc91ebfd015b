import { valueKey } from '../bson/compare.ts'
import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import { IndexStore } from './index-store.ts'
import type { IndexSpec } from './index-store.ts'

/** Called before a committed change to a document (used to keep pre-images for open transactions). */
export type WriteObserver = (coll: Collection, id: string, before: Doc | undefined) => void

/** Key of a document in the primary map: the canonical encoding of its `_id`. */
export function idKeyOf(id: unknown): string {
  return valueKey(id)
}

/** An in-memory collection: documents by `_id` key, plus its indexes. Documents are never mutated. */
export class Collection {
  readonly docs = new Map<string, Doc>()
  readonly indexes = new Map<string, IndexStore>()
  /** Pre-images of documents changed while transactions were open, newest last (see engine). */
  observer: WriteObserver | null = null

  constructor(
    readonly db: string,
    public name: string,
    public options: Record<string, unknown> = {},
  ) {
    const idIndex = new IndexStore({ v: 2, key: { _id: 1 }, name: '_id_' }, this.ns)
    idIndex.deferBuild(() => this.docs.entries())
    this.indexes.set('_id_', idIndex)
  }

  get ns(): string {
    return `${this.db}.${this.name}`
  }

  /** Inserts a document that already has an `_id`; throws E11000 on a unique violation. */
  insert(doc: Doc): void {
    const id = idKeyOf(doc._id)
    if (this.docs.has(id)) throw (this.indexes.get('_id_') as IndexStore).duplicateError([doc._id])
    const plan: [IndexStore, unknown[][]][] = []
    for (const index of this.indexes.values()) {
      if (index.deferred) continue
      const keys = index.keysFor(doc)
      if (index.name !== '_id_') index.checkUnique(keys, id)
      plan.push([index, keys])
    }
    this.observer?.(this, id, undefined)
    for (const [index, keys] of plan) index.add(keys, id)
    this.docs.set(id, doc)
  }

  /** Replaces the stored version of a document (same `_id`); throws E11000 on a unique violation. */
  replace(id: string, next: Doc): void {
    const prev = this.docs.get(id)
    if (!prev) throw new MongoCommandError(ErrorCode.InternalError, 'document vanished during update')
    const plan: [IndexStore, unknown[][], unknown[][]][] = []
    for (const index of this.indexes.values()) {
      if (index.name === '_id_') continue
      const before = index.keysFor(prev)
      const after = index.keysFor(next)
      if (sameKeys(before, after)) continue
      index.checkUnique(after, id)
      plan.push([index, before, after])
    }
    this.observer?.(this, id, prev)
    for (const [index, before, after] of plan) {
      index.remove(before, id)
      index.add(after, id)
    }
    this.docs.set(id, next)
  }

  /** Removes a document by id key; returns the removed version. */
  remove(id: string): Doc | undefined {
    const prev = this.docs.get(id)
    if (!prev) return undefined
    this.observer?.(this, id, prev)
    for (const index of this.indexes.values()) if (!index.deferred) index.remove(index.keysFor(prev), id)
    this.docs.delete(id)
    return prev
  }

  /** Removes every document (keeps indexes). */
  clear(): void {
    for (const id of [...this.docs.keys()]) this.remove(id)
  }

  /**
   * Adds an index, building it from the current documents. Returns false when an identical index
   * already exists; throws on name/spec conflicts or when existing documents violate uniqueness.
   */
  createIndex(spec: IndexSpec): boolean {
    const existing = this.indexes.get(spec.name)
    if (existing) {
      if (sameSpec(existing.spec, spec)) return false
      throw new MongoCommandError(
        ErrorCode.IndexKeySpecsConflict,
        `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`,
      )
    }
    for (const other of this.indexes.values()) {
      if (JSON.stringify(other.spec.key) === JSON.stringify(spec.key)) {
        if (sameSpec({ ...other.spec, name: spec.name }, spec)) return false
        throw new MongoCommandError(
          ErrorCode.IndexOptionsConflict,
          `Index already exists with a different name: ${other.name}`,
        )
      }
    }
    const index = new IndexStore(spec, this.ns)
    index.build(this.docs.entries())
    this.indexes.set(spec.name, index)
    return true
  }

  /** Drops an index by name. */
  dropIndex(name: string): void {
    if (name === '_id_') throw new MongoCommandError(ErrorCode.InvalidOptions, 'cannot drop _id index')
    if (!this.indexes.delete(name))
      throw new MongoCommandError(ErrorCode.IndexNotFound, `index not found with name [${name}]`)
  }
}

function sameKeys(a: unknown[][], b: unknown[][]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as unknown[]
    const y = b[i] as unknown[]
    for (let j = 0; j < x.length; j++) if (valueKey(x[j]) !== valueKey(y[j])) return false
  }
  return true
}

const IGNORED_OPTIONS = new Set(['v', 'name', 'background', 'ns'])

function sameSpec(a: IndexSpec, b: IndexSpec): boolean {
  const norm = (s: IndexSpec): string =>
    JSON.stringify(
      Object.keys(s)
        .filter((k) => !IGNORED_OPTIONS.has(k))
        .sort()
        .map((k) => [k, s[k]]),
    )
  return a.name === b.name && norm(a) === norm(b)
}
