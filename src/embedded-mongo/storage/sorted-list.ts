const MAX_CHUNK = 256

/** A position inside a {@link SortedList}. */
export interface Cursor {
  chunk: number
  index: number
}

/**
 * An ordered multiset kept as a list of small sorted chunks (a flat B-tree): O(log n) search and
 * cheap inserts/removals without moving the whole list. Used as the storage of every index.
 */
export class SortedList<E> {
  private chunks: E[][] = [[]]
  private count = 0
  /** Bumped by every change, so iterators notice that their position may have moved. */
  private version = 0

  constructor(private readonly cmp: (a: E, b: E) => number) {}

  /** Number of entries. */
  get size(): number {
    return this.count
  }

  /** Inserts an entry at its sorted position. */
  insert(e: E): void {
    const ci = this.chunkFor((x) => this.cmp(x, e) >= 0)
    const chunk = this.chunks[ci] as E[]
    const i = lowerBound(chunk, (x) => this.cmp(x, e) >= 0)
    chunk.splice(i, 0, e)
    this.count++
    this.version++
    if (chunk.length > MAX_CHUNK) {
      const half = chunk.splice(chunk.length >> 1)
      this.chunks.splice(ci + 1, 0, half)
    }
  }

  /** Removes one entry equal (cmp === 0) to `e`; returns whether one was found. */
  remove(e: E): boolean {
    const pos = this.seek((x) => this.cmp(x, e) >= 0)
    const chunk = this.chunks[pos.chunk]
    if (!chunk || pos.index >= chunk.length || this.cmp(chunk[pos.index] as E, e) !== 0) return false
    chunk.splice(pos.index, 1)
    this.count--
    this.version++
    if (chunk.length === 0 && this.chunks.length > 1) this.chunks.splice(pos.chunk, 1)
    return true
  }

  /** Replaces the content with entries that are already sorted (bulk index builds). */
  loadSorted(entries: E[]): void {
    const chunks: E[][] = []
    const size = MAX_CHUNK >> 1
    for (let i = 0; i < entries.length; i += size) chunks.push(entries.slice(i, i + size))
    this.chunks = chunks.length ? chunks : [[]]
    this.count = entries.length
    this.version++
  }

  /** Removes everything. */
  clear(): void {
    this.chunks = [[]]
    this.count = 0
    this.version++
  }

  /** The first position whose entry satisfies the monotone predicate `atOrAfter`. */
  seek(atOrAfter: (e: E) => boolean): Cursor {
    const ci = this.chunkFor(atOrAfter)
    const chunk = this.chunks[ci] as E[]
    return { chunk: ci, index: lowerBound(chunk, atOrAfter) }
  }

  /**
   * Entries from `from` (default: the start) in ascending order. Safe against changes made while
   * the iteration is suspended: it then re-seeks just after the last entry it yielded.
   */
  *ascending(from?: Cursor): Generator<E> {
    let ci = from?.chunk ?? 0
    let i = from?.index ?? 0
    let seen = this.version
    while (ci < this.chunks.length) {
      const chunk = this.chunks[ci] as E[]
      if (i >= chunk.length) {
        ci++
        i = 0
        continue
      }
      const e = chunk[i] as E
      yield e
      if (this.version !== seen) {
        seen = this.version
        ;({ chunk: ci, index: i } = this.seek((x) => this.cmp(x, e) > 0))
      } else i++
    }
  }

  /** Entries strictly before `before` (default: the end), in descending order; safe like {@link ascending}. */
  *descending(before?: Cursor): Generator<E> {
    let ci = before?.chunk ?? this.chunks.length - 1
    let i = before ? before.index - 1 : (this.chunks[ci]?.length ?? 0) - 1
    let seen = this.version
    while (ci >= 0) {
      const chunk = this.chunks[ci] as E[]
      if (i < 0) {
        ci--
        i = (this.chunks[ci]?.length ?? 0) - 1
        continue
      }
      if (i >= chunk.length) i = chunk.length - 1
      const e = chunk[i] as E
      yield e
      if (this.version !== seen) {
        seen = this.version
        const pos = this.seek((x) => this.cmp(x, e) >= 0)
        ci = pos.chunk
        i = pos.index - 1
      } else i--
    }
  }

  private chunkFor(atOrAfter: (e: E) => boolean): number {
    const chunks = this.chunks
    let lo = 0
    let hi = chunks.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const c = chunks[mid] as E[]
      if (c.length > 0 && atOrAfter(c[c.length - 1] as E)) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}

function lowerBound<E>(arr: E[], atOrAfter: (e: E) => boolean): number {
  let lo = 0
  let hi = arr.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (atOrAfter(arr[mid] as E)) hi = mid
    else lo = mid + 1
  }
  return lo
}
