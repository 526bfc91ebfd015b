import { compareValues } from '../bson/compare.ts'
import { isNumeric, toNumber } from '../bson/numbers.ts'
import { badValue } from '../errors.ts'
import { collectPathValues, isPlainObject, MISSING, splitPath } from './paths.ts'

/** A parsed sort specification: fields with direction 1 or -1. */
export type SortSpec = { path: string; parts: string[]; dir: 1 | -1 }[]

/** Parses `{a: 1, b: -1}`; returns null for an empty or missing sort. */
export function parseSort(spec: unknown): SortSpec | null {
  if (spec === undefined || spec === null) return null
  if (!isPlainObject(spec)) throw badValue('sort must be an object')
  const out: SortSpec = []
  for (const [path, d] of Object.entries(spec)) {
    if (isPlainObject(d) && '$meta' in d) continue
    if (!isNumeric(d)) throw badValue(`Illegal key in $sort specification: ${path}: ${String(d)}`)
    const n = toNumber(d)
    if (n !== 1 && n !== -1)
      throw badValue('$sort key ordering must be 1 (for ascending) or -1 (for descending)')
    out.push({ path, parts: splitPath(path), dir: n as 1 | -1 })
  }
  return out.length ? out : null
}

/** Sentinel sort key for an empty array: sorts before null and missing. */
const EMPTY_ARRAY = Symbol('empty-array')

/** The value a document sorts by on one field: the min (ascending) or max (descending) of array values. */
export function sortKey(doc: unknown, parts: string[], dir: 1 | -1): unknown {
  const values: unknown[] = []
  collectPathValues(doc, parts, values)
  let best: unknown = MISSING
  let first = true
  const consider = (v: unknown): void => {
    if (first) {
      best = v
      first = false
      return
    }
    const c = cmpKeys(v, best)
    if ((dir === 1 && c < 0) || (dir === -1 && c > 0)) best = v
  }
  for (const v of values) {
    if (Array.isArray(v)) {
      if (v.length === 0) consider(EMPTY_ARRAY)
      else for (const el of v) consider(el)
    } else consider(v === MISSING ? null : v)
  }
  return best === MISSING ? null : best
}

function cmpKeys(a: unknown, b: unknown): number {
  if (a === EMPTY_ARRAY || b === EMPTY_ARRAY) return a === b ? 0 : a === EMPTY_ARRAY ? -1 : 1
  return compareValues(a, b)
}

/** Sorts documents in place by a sort spec (stable, decorate-sort-undecorate). */
export function sortDocuments<T>(docs: T[], spec: SortSpec): T[] {
  if (spec.length === 1) {
    const { parts, dir } = spec[0] as SortSpec[number]
    const keyed = docs.map((d, i) => ({ d, k: sortKey(d, parts, dir), i }))
    keyed.sort((x, y) => dir * cmpKeys(x.k, y.k) || x.i - y.i)
    for (let i = 0; i < keyed.length; i++) docs[i] = (keyed[i] as { d: T }).d
    return docs
  }
  const keyed = docs.map((d, i) => ({ d, k: spec.map((s) => sortKey(d, s.parts, s.dir)), i }))
  keyed.sort((x, y) => {
    for (let j = 0; j < spec.length; j++) {
      const c = cmpKeys(x.k[j], y.k[j])
      if (c !== 0) return (spec[j] as SortSpec[number]).dir * c
    }
    return x.i - y.i
  })
  for (let i = 0; i < keyed.length; i++) docs[i] = (keyed[i] as { d: T }).d
  return docs
}

/** Compares two documents under a sort spec (used for top-k selection). */
export function compareBySort(a: unknown, b: unknown, spec: SortSpec): number {
  for (const s of spec) {
    const c = cmpKeys(sortKey(a, s.parts, s.dir), sortKey(b, s.parts, s.dir))
    if (c !== 0) return s.dir * c
  }
  return 0
}

/**
 * The first `k` documents of `docs` under `spec`, without sorting everything: keeps a sorted
 * window of size k (stable: earlier documents win ties, as with a full stable sort).
 */
export function topK<T>(docs: Iterable<T>, spec: SortSpec, k: number): T[] {
  const window: { d: T; k: unknown[] }[] = []
  const cmp = (a: unknown[], b: unknown[]): number => {
    for (let j = 0; j < spec.length; j++) {
      const c = cmpKeys(a[j], b[j])
      if (c !== 0) return (spec[j] as SortSpec[number]).dir * c
    }
    return 0
  }
  for (const d of docs) {
    const keys = spec.map((s) => sortKey(d, s.parts, s.dir))
    if (window.length === k && cmp(keys, (window[k - 1] as { k: unknown[] }).k) >= 0) continue
    let lo = 0
    let hi = window.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cmp((window[mid] as { k: unknown[] }).k, keys) <= 0) lo = mid + 1
      else hi = mid
    }
    window.splice(lo, 0, { d, k: keys })
    if (window.length > k) window.pop()
  }
  return window.map((w) => w.d)
}
