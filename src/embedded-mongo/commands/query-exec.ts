import type { Doc } from '../bson/codec.ts'
import { compileFilter } from '../query/matcher.ts'
import type { Predicate } from '../query/matcher.ts'
import { compileProjection } from '../query/projection.ts'
import { parseSort, sortDocuments, topK } from '../query/sort.ts'
import type { ScanStats } from '../storage/planner.ts'
import type { CollectionView } from '../storage/views.ts'

/** The parts of a find-like request. */
export interface QuerySpec {
  filter?: unknown
  sort?: unknown
  projection?: unknown
  skip?: number
  /** 0 = no limit. */
  limit?: number
}

/** Fresh statistics for explain / tests. */
export function newStats(): ScanStats {
  return { plan: 'COLLSCAN', keysExamined: 0, docsExamined: 0 }
}

function* filter(candidates: Iterable<Doc>, pred: Predicate, stats: ScanStats): Generator<Doc> {
  for (const doc of candidates) {
    stats.docsExamined++
    if (pred(doc)) yield doc
  }
}

function filtered(
  view: CollectionView,
  filterSpec: unknown,
  pred: Predicate,
  stats: ScanStats,
): Generator<Doc> {
  return filter(view.candidates(filterSpec, stats), pred, stats)
}

/**
 * Runs a query: candidate selection (index or scan), filter, sort, skip, limit and projection.
 * Unsorted queries stream lazily; sorted ones materialise the matching documents.
 */
export function runQuery(
  view: CollectionView,
  spec: QuerySpec,
  stats: ScanStats = newStats(),
): Iterable<Doc> {
  const sort = parseSort(spec.sort)
  const projector = compileProjection(spec.projection, spec.filter)
  const skip = spec.skip ?? 0
  const limit = spec.limit ?? 0
  // Compiled eagerly so errors surface from the command, not from a later getMore.
  const pred = compileFilter(spec.filter)
  let source: Iterable<Doc>
  const ordered = sort ? view.orderedCandidates(spec.filter, sort, stats) : null
  if (sort && !ordered) {
    if (limit > 0 && skip + limit <= 10_000) {
      source = topK(filtered(view, spec.filter, pred, stats), sort, skip + limit).slice(skip)
    } else {
      const all = [...filtered(view, spec.filter, pred, stats)]
      sortDocuments(all, sort)
      source = limit > 0 ? all.slice(skip, skip + limit) : skip > 0 ? all.slice(skip) : all
    }
  } else source = skipLimit(filter(ordered ?? view.candidates(spec.filter, stats), pred, stats), skip, limit)
  return projector ? mapIter(source, projector) : source
}

function* skipLimit(source: Iterable<Doc>, skip: number, limit: number): Generator<Doc> {
  let skipped = 0
  let taken = 0
  for (const doc of source) {
    if (skipped < skip) {
      skipped++
      continue
    }
    yield doc
    if (limit > 0 && ++taken >= limit) return
  }
}

function* mapIter(source: Iterable<Doc>, fn: (d: Doc) => Doc): Generator<Doc> {
  for (const doc of source) yield fn(doc)
}

/** Returns the first document matching a filter under an optional sort (findAndModify, updateOne). */
export function findFirst(view: CollectionView, filter: unknown, sort: unknown): Doc | undefined {
  for (const doc of runQuery(view, { filter, sort, limit: 1 })) return doc
  return undefined
}
