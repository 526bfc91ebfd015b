import { ErrorCode, MongoCommandError } from '../../errors.ts'
import { isIndexPart, isPlainObject } from '../paths.ts'
import { compileFilter } from '../matcher.ts'
import type { Predicate } from '../matcher.ts'
import { firstMatchingIndex } from '../positional.ts'

/** Per-update state needed to resolve positional path components. */
export interface PositionalContext {
  /** The query filter (for `$`). */
  filter: unknown
  /** Compiled array filters by identifier (for `$[id]`). */
  arrayFilters: Map<string, Predicate>
  /** The document being updated (for `$`). */
  root: Record<string, unknown>
}

/** Compiles `arrayFilters` into per-identifier predicates over an array element. */
export function compileArrayFilters(filters: unknown): Map<string, Predicate> {
  const out = new Map<string, Predicate>()
  if (!Array.isArray(filters)) return out
  for (const f of filters) {
    if (!isPlainObject(f))
      throw new MongoCommandError(ErrorCode.FailedToParse, 'arrayFilters must be objects')
    let id: string | null = null
    const rewritten: Record<string, unknown> = {}
    for (const [key, spec] of Object.entries(f)) {
      const dot = key.indexOf('.')
      const name = dot < 0 ? key : key.slice(0, dot)
      if (id !== null && id !== name) {
        throw new MongoCommandError(
          ErrorCode.FailedToParse,
          `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${id}' and '${name}'`,
        )
      }
      id = name
      rewritten[dot < 0 ? 'v' : 'v' + key.slice(dot)] = spec
    }
    if (id === null)
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        'Cannot use an expression without a top-level field name in arrayFilters',
      )
    if (out.has(id))
      throw new MongoCommandError(
        ErrorCode.FailedToParse,
        `Found multiple array filters with the same top-level field name ${id}`,
      )
    const p = compileFilter(rewritten)
    out.set(id, (el) => p({ v: el }))
  }
  return out
}

/**
 * Expands a path with positional components (`$`, `$[]`, `$[id]`) into the concrete paths it
 * designates in `doc`. A path without positional components is returned as is.
 */
export function expandPositional(parts: string[], ctx: PositionalContext): string[][] {
  if (!parts.some((p) => p.startsWith('$'))) return [parts]
  const out: string[][] = []
  const walk = (value: unknown, i: number, prefix: string[]): void => {
    if (i === parts.length) {
      out.push(prefix)
      return
    }
    const part = parts[i] as string
    if (part === '$') {
      const idx = firstMatchingIndex(ctx.root, prefix.join('.'), ctx.filter)
      if (idx < 0) {
        throw new MongoCommandError(
          ErrorCode.BadValue,
          'The positional operator did not find the match needed from the query.',
        )
      }
      walk(Array.isArray(value) ? value[idx] : undefined, i + 1, [...prefix, String(idx)])
    } else if (part === '$[]' || (part.startsWith('$[') && part.endsWith(']'))) {
      if (!Array.isArray(value)) {
        throw new MongoCommandError(
          ErrorCode.BadValue,
          `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`,
        )
      }
      let test: Predicate | null = null
      if (part !== '$[]') {
        const id = part.slice(2, -1)
        test = ctx.arrayFilters.get(id) ?? null
        if (!test)
          throw new MongoCommandError(
            ErrorCode.BadValue,
            `No array filter found for identifier '${id}' in path '${parts.join('.')}'`,
          )
      }
      for (let k = 0; k < value.length; k++)
        if (!test || test(value[k])) walk(value[k], i + 1, [...prefix, String(k)])
    } else {
      const next = Array.isArray(value)
        ? isIndexPart(part)
          ? value[Number(part)]
          : undefined
        : isPlainObject(value)
          ? value[part]
          : undefined
      walk(next, i + 1, [...prefix, part])
    }
  }
  walk(ctx.root, 0, [])
  return out
}

/** Result of locating the parent container of a path for writing. */
export type Slot = { container: Record<string, unknown> | unknown[]; key: string } | null

function describe(v: unknown): string {
  return JSON.stringify(v) ?? String(v)
}

/**
 * Finds (creating intermediate documents when `create`) the container holding the last component of
 * `parts`. Throws PathNotViable when a scalar is in the way. Returns null when the path does not
 * exist and `create` is false.
 */
export function locate(doc: Record<string, unknown>, parts: string[], create: boolean): Slot {
  let cur: Record<string, unknown> | unknown[] = doc
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string
    let next: unknown
    if (Array.isArray(cur)) {
      if (!isIndexPart(part)) {
        if (!create) return null
        throw new MongoCommandError(
          ErrorCode.PathNotViable,
          `Cannot create field '${part}' in element {${parts.slice(0, i).join('.')}: ${describe(cur)}}`,
        )
      }
      next = cur[Number(part)]
      if (next === undefined || next === null) {
        if (!create) return null
        if (next === null)
          throw new MongoCommandError(
            ErrorCode.PathNotViable,
            `Cannot create field '${parts[i + 1]}' in element {${part}: null}`,
          )
        while (cur.length < Number(part)) cur.push(null)
        next = {}
        cur[Number(part)] = next
      }
    } else {
      next = cur[part]
      if (next === undefined) {
        if (!create) return null
        next = {}
        cur[part] = next
      }
    }
    if (!isPlainObject(next) && !Array.isArray(next)) {
      if (!create) return null
      throw new MongoCommandError(
        ErrorCode.PathNotViable,
        `Cannot create field '${parts[i + 1]}' in element {${part}: ${describe(next)}}`,
      )
    }
    cur = next
  }
  return { container: cur, key: parts[parts.length - 1] as string }
}

/** Reads the value in a slot (undefined when absent). */
export function readSlot(slot: NonNullable<Slot>): unknown {
  const { container, key } = slot
  if (Array.isArray(container)) return isIndexPart(key) ? container[Number(key)] : undefined
  return container[key]
}

/** Writes a value into a slot, padding arrays with nulls as MongoDB does. */
export function writeSlot(slot: NonNullable<Slot>, value: unknown, path: string): void {
  const { container, key } = slot
  if (Array.isArray(container)) {
    if (!isIndexPart(key))
      throw new MongoCommandError(ErrorCode.PathNotViable, `Cannot create field '${key}' in array at ${path}`)
    const idx = Number(key)
    while (container.length < idx) container.push(null)
    container[idx] = value
  } else container[key] = value
}
