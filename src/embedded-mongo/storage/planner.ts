import { compareValues, TypeOrder, typeOrder } from '../bson/compare.ts'
import type { Doc } from '../bson/codec.ts'
import { isOperatorObject } from '../query/matcher.ts'
import { isPlainObject } from '../query/paths.ts'
import { isRegexValue } from '../query/regex.ts'
import { idKeyOf } from './collection.ts'
import type { Collection } from './collection.ts'
import type { IndexStore } from './index-store.ts'
import type { IndexEntry } from './index-keys.ts'

/** Execution statistics of one query, reported by explain. */
export interface ScanStats {
  plan: string
  keysExamined: number
  docsExamined: number
}

interface Bounds {
  lo?: { v: unknown; inc: boolean }
  hi?: { v: unknown; inc: boolean }
  bracket?: number
}

interface FieldCond {
  points?: unknown[]
  range?: Bounds
  nullEq?: boolean
}

function indexable(v: unknown): boolean {
  return !Array.isArray(v) && !isRegexValue(v) && v !== undefined
}

/** Extracts the index-usable conditions of a filter, by path. */
function extractConditions(filter: unknown, out = new Map<string, FieldCond>()): Map<string, FieldCond> {
  if (!isPlainObject(filter)) return out
  for (const [key, spec] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(spec)) {
      for (const sub of spec) extractConditions(sub, out)
      continue
    }
    if (key.startsWith('$')) continue
    const cond: FieldCond = out.get(key) ?? {}
    if (!isOperatorObject(spec)) {
      if (indexable(spec) && !isPlainObjectWithDollar(spec)) {
        if (spec === null) cond.nullEq = true
        cond.points = [spec]
      }
    } else {
      if ('$eq' in spec && indexable(spec.$eq)) {
        if (spec.$eq === null) cond.nullEq = true
        cond.points = [spec.$eq]
      }
      if ('$in' in spec && Array.isArray(spec.$in) && spec.$in.every(indexable)) {
        if (spec.$in.some((v) => v === null)) cond.nullEq = true
        cond.points = spec.$in
      }
      const range: Bounds = {}
      for (const op of ['$gt', '$gte', '$lt', '$lte'] as const) {
        if (!(op in spec)) continue
        const v = spec[op]
        const t = typeOrder(v)
        if (!indexable(v) || t === TypeOrder.Null || t === TypeOrder.MinKey || t === TypeOrder.MaxKey)
          continue
        if (range.bracket !== undefined && range.bracket !== t) continue
        range.bracket = t
        if (op === '$gt' || op === '$gte') range.lo = { v, inc: op === '$gte' }
        else range.hi = { v, inc: op === '$lte' }
      }
      if (range.bracket !== undefined && !cond.points) cond.range = range
    }
    out.set(key, cond)
  }
  return out
}

function isPlainObjectWithDollar(v: unknown): boolean {
  return isPlainObject(v) && Object.keys(v).some((k) => k.startsWith('$'))
}

interface Choice {
  index: IndexStore
  eqFields: number
  cond: FieldCond[]
}

function choose(coll: Collection, conds: Map<string, FieldCond>): Choice | null {
  let best: Choice | null = null
  let bestScore = 0
  for (const index of coll.indexes.values()) {
    if (index.partial) continue
    const used: FieldCond[] = []
    let eqFields = 0
    let score = 0
    for (const f of index.fields) {
      const c = conds.get(f.path)
      if (!c || (c.nullEq && index.spec.sparse)) break
      if (c.points) {
        used.push(c)
        eqFields++
        score += c.points.length === 1 ? 4 : 3
        continue
      }
      if (c.range) {
        used.push(c)
        score += 2
      }
      break
    }
    if (used.length === 0) continue
    if (index.unique && eqFields === index.fields.length) score += 10
    if (score > bestScore) {
      best = { index, eqFields, cond: used }
      bestScore = score
    }
  }
  return best
}

/**
 * Returns the documents that may match `filter`, using the `_id` map or an index when the filter
 * allows it and the whole collection otherwise. The caller still applies the full filter.
 */
export function candidateDocs(coll: Collection, filter: unknown, stats: ScanStats): Iterable<Doc> {
  const conds = extractConditions(filter)
  const idCond = conds.get('_id')
  if (idCond?.points) {
    stats.plan = 'IDHACK'
    const out: Doc[] = []
    const seen = new Set<string>()
    for (const p of idCond.points) {
      const key = idKeyOf(p)
      if (seen.has(key)) continue
      seen.add(key)
      stats.keysExamined++
      const doc = coll.docs.get(key)
      if (doc) out.push(doc)
    }
    return out
  }
  const choice = choose(coll, conds)
  if (!choice) {
    stats.plan = 'COLLSCAN'
    return coll.docs.values()
  }
  stats.plan = `IXSCAN ${choice.index.name}`
  return fetchIds(coll, scanIndex(choice, stats))
}

function* fetchIds(coll: Collection, ids: Iterable<string>): Generator<Doc> {
  for (const id of ids) {
    const doc = coll.docs.get(id)
    if (doc) yield doc
  }
}

function scanIndex(choice: Choice, stats: ScanStats): string[] {
  const { index, cond } = choice
  const ids = new Set<string>()
  const prefixes: unknown[][] = [[]]
  let expanded = prefixes
  for (let i = 0; i < choice.eqFields; i++) {
    const points = (cond[i] as FieldCond).points as unknown[]
    const next: unknown[][] = []
    for (const p of expanded) for (const v of points) next.push([...p, v])
    expanded = next
  }
  const range = cond.length > choice.eqFields ? (cond[choice.eqFields] as FieldCond).range : undefined
  for (const prefix of expanded) scanPrefix(index, prefix, range, ids, stats)
  return [...ids]
}

/**
 * Compares an entry's leading key fields with `prefix`, in index order. A module function rather
 * than a closure per scan: tsx keeps function names, so a named closure costs a defineProperty
 * on every lookup.
 */
function comparePrefix(e: IndexEntry, prefix: unknown[], fields: readonly { dir: number }[]): number {
  for (let i = 0; i < prefix.length; i++) {
    const c = compareValues(e.key[i], prefix[i])
    if (c !== 0) return c * (fields[i] as { dir: number }).dir
  }
  return 0
}

function scanPrefix(
  index: IndexStore,
  prefix: unknown[],
  range: Bounds | undefined,
  ids: Set<string>,
  stats: ScanStats,
): void {
  const n = prefix.length
  const fields = index.fields
  const dir = range ? (fields[n] as { dir: 1 | -1 }).dir : 1
  const start = index.entries.seek((e) => {
    const c = comparePrefix(e, prefix, fields)
    if (c !== 0) return c > 0
    if (!range) return true
    const v = e.key[n]
    // Position at the first entry of the range in index order (which is reversed for dir -1).
    const edge = dir === 1 ? range.lo : range.hi
    const t = typeOrder(v)
    if (t !== range.bracket) return dir === 1 ? t > (range.bracket as number) : t < (range.bracket as number)
    if (!edge) return true
    const d = compareValues(v, edge.v) * dir
    return edge.inc ? d >= 0 : d > 0
  })
  for (const e of index.entries.ascending(start)) {
    stats.keysExamined++
    if (comparePrefix(e, prefix, fields) !== 0) break
    if (range) {
      const v = e.key[n]
      if (typeOrder(v) !== range.bracket) break
      const far = dir === 1 ? range.hi : range.lo
      if (far) {
        const d = compareValues(v, far.v) * dir
        if (far.inc ? d > 0 : d >= 0) break
      }
    }
    ids.add(e.id)
  }
}

/** How an index can serve a sort: which index, and in which direction to walk it. */
function sortIndexFor(
  coll: Collection,
  sort: { path: string; dir: 1 | -1 }[],
  skipFields: number,
  only?: IndexStore,
): { index: IndexStore; reverse: boolean } | null {
  for (const index of only ? [only] : coll.indexes.values()) {
    if (!index.servesSort || index.fields.length < skipFields + sort.length) continue
    let forward = true
    let backward = true
    sort.forEach((s, i) => {
      const f = index.fields[skipFields + i] as { path: string; dir: 1 | -1 }
      if (f.path !== s.path) forward = backward = false
      else if (f.dir === s.dir) backward = false
      else forward = false
    })
    if (forward || backward) return { index, reverse: !forward }
  }
  return null
}

/**
 * Candidates already in `sort` order, when an index provides that order: either a full walk of an
 * index whose leading fields are the sort fields (the filter has no usable index condition), or the
 * filter's own index when its single-valued equality prefix is followed by the sort fields.
 * Returns null when the caller has to sort.
 */
export function orderedCandidates(
  coll: Collection,
  filter: unknown,
  sort: { path: string; dir: 1 | -1 }[],
  stats: ScanStats,
): Iterable<Doc> | null {
  const conds = extractConditions(filter)
  if (conds.get('_id')?.points) return null
  const choice = choose(coll, conds)
  if (!choice) {
    const found = sortIndexFor(coll, sort, 0)
    if (!found) return null
    stats.plan = `IXSCAN ${found.index.name}`
    const entries = found.index.entries
    return fetchEntries(coll, found.reverse ? entries.descending() : entries.ascending(), stats)
  }
  const singlePoints = choice.cond.slice(0, choice.eqFields).every((c) => c.points?.length === 1)
  if (!singlePoints) return null
  const found = sortIndexFor(coll, sort, choice.eqFields, choice.index)
  if (!found) return null
  stats.plan = `IXSCAN ${choice.index.name}`
  const ids = scanIndex(choice, stats)
  if (found.reverse) ids.reverse()
  return fetchIds(coll, ids)
}

function* fetchEntries(coll: Collection, entries: Iterable<IndexEntry>, stats: ScanStats): Generator<Doc> {
  for (const e of entries) {
    stats.keysExamined++
    const doc = coll.docs.get(e.id)
    if (doc) yield doc
  }
}
