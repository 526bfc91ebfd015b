/** Marker for "no value at this path" during path traversal. */
export const MISSING: unique symbol = Symbol('missing')
/** The type of {@link MISSING}. */
export type Missing = typeof MISSING

const splitCache = new Map<string, string[]>()

/** Splits a dotted path, caching the result (paths repeat across documents). */
export function splitPath(path: string): string[] {
  let parts = splitCache.get(path)
  if (parts === undefined) {
    parts = path.split('.')
    if (splitCache.size > 10_000) splitCache.clear()
    splitCache.set(path, parts)
  }
  return parts
}

/** True for a plain (sub)document: not an array, Date, RegExp or bson value object. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  if (v instanceof Date || v instanceof RegExp) return false
  return (v as { _bsontype?: string })._bsontype === undefined
}

const INDEX_RE = /^(0|[1-9]\d*)$/

/** True when a path component can address an array element. */
export function isIndexPart(part: string): boolean {
  return INDEX_RE.test(part)
}

/**
 * Collects every value reachable at `parts` from `value`, descending into arrays the way MongoDB's
 * query engine does: `a.b` on `{a: [{b: 1}, {b: 2}]}` yields 1 and 2; a numeric component also
 * addresses an array element. Unreachable branches contribute {@link MISSING}.
 */
export function collectPathValues(value: unknown, parts: readonly string[], out: unknown[], i = 0): void {
  if (i === parts.length) {
    out.push(value)
    return
  }
  const part = parts[i] as string
  if (Array.isArray(value)) {
    let hit = false
    if (isIndexPart(part)) {
      const idx = Number(part)
      if (idx < value.length) {
        collectPathValues(value[idx], parts, out, i + 1)
        hit = true
      }
    }
    for (const el of value) {
      if (isPlainObject(el)) {
        collectPathValues(el, parts, out, i)
        hit = true
      }
    }
    if (!hit) out.push(MISSING)
    return
  }
  if (isPlainObject(value)) {
    const next = value[part]
    if (next === undefined && !(part in value)) out.push(MISSING)
    else collectPathValues(next, parts, out, i + 1)
    return
  }
  out.push(MISSING)
}

/** Reads a dotted path without array expansion (numeric components index arrays). */
export function getPath(doc: unknown, path: string): unknown {
  const parts = splitPath(path)
  let cur: unknown = doc
  for (const part of parts) {
    if (Array.isArray(cur)) {
      if (!isIndexPart(part)) return MISSING
      cur = cur[Number(part)]
      if (cur === undefined) return MISSING
    } else if (isPlainObject(cur)) {
      if (!(part in cur)) return MISSING
      cur = cur[part]
    } else return MISSING
  }
  return cur
}

/** Reads a top-level-or-dotted field fast when there is no array on the way; falls back otherwise. */
export function getField(doc: Record<string, unknown>, path: string): unknown {
  if (path.indexOf('.') < 0) {
    const v = doc[path]
    return v === undefined && !(path in doc) ? MISSING : v
  }
  return getPath(doc, path)
}
