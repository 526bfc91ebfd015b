import type { Doc } from '../bson/codec.ts'
import type { Collection } from './collection.ts'
import type { Engine, WriteUnit } from './engine.ts'
import { candidateDocs, orderedCandidates } from './planner.ts'
import type { SortSpec } from '../query/sort.ts'
import type { ScanStats } from './planner.ts'

/**
 * How commands read and write one collection: directly on committed state, or through a
 * transaction's snapshot and private write set. Ids are the canonical `_id` keys.
 */
export interface CollectionView {
  readonly db: string
  readonly name: string
  /** The committed collection, if it exists. */
  collection(): Collection | undefined
  /** Documents that may match `filter` (the caller applies the filter). */
  candidates(filter: unknown, stats: ScanStats): Iterable<Doc>
  /** Candidates already in `sort` order when an index provides it, else null. */
  orderedCandidates(filter: unknown, sort: SortSpec, stats: ScanStats): Iterable<Doc> | null
  /** Every visible document. */
  all(): Iterable<Doc>
  get(id: string): Doc | undefined
  insert(doc: Doc): void
  replace(id: string, next: Doc): void
  remove(id: string): void
}

/** A view on committed state; writes apply immediately and are logged into `unit`. */
export class DirectView implements CollectionView {
  constructor(
    private readonly engine: Engine,
    readonly db: string,
    readonly name: string,
    private readonly unit: WriteUnit,
  ) {}

  collection(): Collection | undefined {
    return this.engine.getCollection(this.db, this.name)
  }

  private ensure(): Collection {
    return this.collection() ?? this.engine.createCollection(this.unit, this.db, this.name)
  }

  candidates(filter: unknown, stats: ScanStats): Iterable<Doc> {
    const coll = this.collection()
    return coll ? candidateDocs(coll, filter, stats) : []
  }

  orderedCandidates(filter: unknown, sort: SortSpec, stats: ScanStats): Iterable<Doc> | null {
    const coll = this.collection()
    return coll ? orderedCandidates(coll, filter, sort, stats) : null
  }

  all(): Iterable<Doc> {
    return this.collection()?.docs.values() ?? []
  }

  get(id: string): Doc | undefined {
    return this.collection()?.docs.get(id)
  }

  insert(doc: Doc): void {
    this.engine.insertDoc(this.unit, this.ensure(), doc)
  }

  replace(id: string, next: Doc): void {
    this.engine.replaceDoc(this.unit, this.ensure(), id, next)
  }

  remove(id: string): void {
    const coll = this.collection()
    if (coll) this.engine.removeDoc(this.unit, coll, id)
  }
}
