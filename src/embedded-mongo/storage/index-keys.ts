import { compareValues, valueKey } from '../bson/compare.ts'
import { collectPathValues, MISSING, splitPath } from '../query/paths.ts'

/** One field of an index key pattern. */
export interface KeyField {
  path: string
  parts: string[]
  /** 1 or -1 (special index types such as "hashed" or "text" are treated as 1). */
  dir: 1 | -1
}

/** Parses a key pattern such as `{a: 1, 'b.c': -1}`. */
export function parseKeyPattern(key: Record<string, unknown>): KeyField[] {
  return Object.entries(key).map(([path, d]) => ({
    path,
    parts: splitPath(path),
    dir: typeof d === 'number' && d < 0 ? -1 : 1,
  }))
}

/** An index entry: the key tuple and the owning document's id key. */
export interface IndexEntry {
  key: unknown[]
  id: string
}

/** Set when the last {@link indexKeysFor} call met an array on an indexed path. */
export const keyScan = { sawArray: false }

function valuesAt(doc: unknown, field: KeyField): { values: unknown[]; present: boolean } {
  const raw: unknown[] = []
  collectPathValues(doc, field.parts, raw)
  const values: unknown[] = []
  let present = false
  if (raw.length > 1) keyScan.sawArray = true
  for (const v of raw) {
    if (v === MISSING) {
      values.push(null)
      continue
    }
    present = true
    if (Array.isArray(v)) {
      keyScan.sawArray = true
      if (v.length === 0) values.push(null)
      else for (const el of v) values.push(el === undefined ? null : el)
    } else values.push(v === undefined ? null : v)
  }
  return { values, present }
}

/**
 * The distinct key tuples a document contributes to an index (several for multikey fields).
 * Returns an empty list when a sparse index should skip the document.
 */
export function indexKeysFor(doc: unknown, fields: KeyField[], sparse: boolean): unknown[][] {
  keyScan.sawArray = false
  if (fields.length === 1) {
    const { values, present } = valuesAt(doc, fields[0] as KeyField)
    if (sparse && !present) return []
    if (values.length === 1) return [[values[0]]]
    return dedupe(values.map((v) => [v]))
  }
  let tuples: unknown[][] = [[]]
  let anyPresent = false
  for (const f of fields) {
    const { values, present } = valuesAt(doc, f)
    anyPresent ||= present
    const next: unknown[][] = []
    for (const t of tuples) for (const v of values) next.push([...t, v])
    tuples = next
  }
  if (sparse && !anyPresent) return []
  return tuples.length === 1 ? tuples : dedupe(tuples)
}

function dedupe(tuples: unknown[][]): unknown[][] {
  const seen = new Set<string>()
  const out: unknown[][] = []
  for (const t of tuples) {
    const k = t.map(valueKey).join('\u0001')
    if (!seen.has(k)) {
      seen.add(k)
      out.push(t)
    }
  }
  return out
}

/** Compares key tuples field by field, honouring each field's direction. */
export function compareKeys(a: unknown[], b: unknown[], fields: KeyField[]): number {
  for (let i = 0; i < fields.length; i++) {
    const c = compareValues(a[i], b[i])
    if (c !== 0) return c * (fields[i] as KeyField).dir
  }
  return 0
}
