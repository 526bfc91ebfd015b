import { ErrorCode, MongoCommandError } from '../errors.ts'
import { compileFilter } from '../query/matcher.ts'
import type { Predicate } from '../query/matcher.ts'
import type { Doc } from '../bson/codec.ts'
import { formatKeyDoc } from './format-key.ts'
import { compareKeys, indexKeysFor, keyScan, parseKeyPattern } from './index-keys.ts'
import type { IndexEntry, KeyField } from './index-keys.ts'
import { SortedList } from './sorted-list.ts'

/** The stored description of an index, as returned by listIndexes. */
export interface IndexSpec {
  v?: number
  key: Record<string, unknown>
  name: string
  unique?: boolean
  sparse?: boolean
  partialFilterExpression?: Record<string, unknown>
  expireAfterSeconds?: number
  [option: string]: unknown
}

/** One index of a collection: its spec and its sorted entries. */
export class IndexStore {
  readonly fields: KeyField[]
  private readonly list: SortedList<IndexEntry>
  readonly partial: Predicate | null
  /**
   * For a lazily built index (the `_id` index: equality uses the document map), the documents to
   * build from on first use; null once built.
   */
  private lazySource: (() => Iterable<[string, Doc]>) | null = null
  /** True once some document produced several keys (arrays); index order then can't serve sorts. */
  multikey = false

  constructor(
    readonly spec: IndexSpec,
    private readonly ns: string,
  ) {
    this.fields = parseKeyPattern(spec.key)
    this.partial = spec.partialFilterExpression ? compileFilter(spec.partialFilterExpression) : null
    const fields = this.fields
    this.list = new SortedList<IndexEntry>(
      (a, b) => compareKeys(a.key, b.key, fields) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
  }

  /** Defers building this index until its entries are first needed. */
  deferBuild(source: () => Iterable<[string, Doc]>): void {
    this.lazySource = source
  }

  /** The sorted entries (building a deferred index now). */
  get entries(): SortedList<IndexEntry> {
    const source = this.lazySource
    if (source) {
      this.lazySource = null
      this.build(source())
    }
    return this.list
  }

  get name(): string {
    return this.spec.name
  }

  get unique(): boolean {
    return this.spec.unique === true
  }

  /** Key tuples a document contributes (none when excluded by sparse/partial). */
  keysFor(doc: Doc): unknown[][] {
    if (this.partial && !this.partial(doc)) return []
    const keys = indexKeysFor(doc, this.fields, this.spec.sparse === true)
    if (keyScan.sawArray) this.multikey = true
    return keys
  }

  /** True when a scan of this index yields every document once, in key order (can serve sorts). */
  get servesSort(): boolean {
    return !this.multikey && !this.partial && this.spec.sparse !== true
  }

  /** Throws E11000 when one of `keys` is already used by another document. */
  checkUnique(keys: unknown[][], id: string): void {
    if (!this.unique) return
    for (const key of keys) {
      const other = this.findOther(key, id)
      if (other !== null) throw this.duplicateError(key)
    }
  }

  private findOther(key: unknown[], id: string): string | null {
    const pos = this.entries.seek((e) => compareKeys(e.key, key, this.fields) >= 0)
    for (const e of this.entries.ascending(pos)) {
      if (compareKeys(e.key, key, this.fields) !== 0) break
      if (e.id !== id) return e.id
    }
    return null
  }

  /** Builds MongoDB's duplicate key error for a key tuple. */
  duplicateError(key: unknown[]): MongoCommandError {
    const keyValue: Record<string, unknown> = {}
    const keyPattern: Record<string, unknown> = {}
    this.fields.forEach((f, i) => {
      keyValue[f.path] = key[i]
      keyPattern[f.path] = this.spec.key[f.path]
    })
    const message = `E11000 duplicate key error collection: ${this.ns} index: ${this.name} dup key: ${formatKeyDoc(keyValue)}`
    return new MongoCommandError(ErrorCode.DuplicateKey, message, { keyPattern, keyValue })
  }

  /**
   * Builds the index from scratch over `docs` by sorting all entries at once (much faster than
   * inserting them one by one); throws E11000 when a unique index meets a duplicate.
   */
  build(docs: Iterable<[string, Doc]>): void {
    const all: IndexEntry[] = []
    for (const [id, doc] of docs) for (const key of this.keysFor(doc)) all.push({ key, id })
    const fields = this.fields
    all.sort((a, b) => compareKeys(a.key, b.key, fields) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    if (this.unique) {
      for (let i = 1; i < all.length; i++) {
        const prev = all[i - 1] as IndexEntry
        const cur = all[i] as IndexEntry
        if (prev.id !== cur.id && compareKeys(prev.key, cur.key, fields) === 0)
          throw this.duplicateError(cur.key)
      }
    }
    this.list.loadSorted(all)
  }

  /** Adds the entries for a document (keys from {@link keysFor}). */
  add(keys: unknown[][], id: string): void {
    if (this.lazySource) return
    for (const key of keys) this.list.insert({ key, id })
  }

  /** Removes the entries for a document. */
  remove(keys: unknown[][], id: string): void {
    if (this.lazySource) return
    for (const key of keys) this.list.remove({ key, id })
  }

  /** True while a deferred index has not been built (its entries cost nothing to maintain). */
  get deferred(): boolean {
    return this.lazySource !== null
  }
}
