import { isOperatorObject, compileFilter } from './matcher.ts'
import { getPath, isPlainObject } from './paths.ts'

/**
 * Finds the index of the first element of the array at `arrayPath` that satisfies the parts of
 * `filter` that refer to that array: the `$` positional operator of updates and projections.
 * Returns -1 when no condition refers to the array or no element matches.
 */
export function firstMatchingIndex(doc: Record<string, unknown>, arrayPath: string, filter: unknown): number {
  const arr = getPath(doc, arrayPath)
  if (!Array.isArray(arr) || !isPlainObject(filter)) return -1
  const tests = conditionsOn(arrayPath, filter)
  if (tests.length === 0) return -1
  for (let i = 0; i < arr.length; i++) {
    const el = arr[i]
    if (tests.every((t) => t(el))) return i
  }
  return -1
}

function conditionsOn(arrayPath: string, filter: Record<string, unknown>): ((el: unknown) => boolean)[] {
  const out: ((el: unknown) => boolean)[] = []
  const prefix = arrayPath + '.'
  for (const [key, spec] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(spec)) {
      for (const sub of spec) if (isPlainObject(sub)) out.push(...conditionsOn(arrayPath, sub))
      continue
    }
    if (key === arrayPath) {
      if (isOperatorObject(spec) && '$elemMatch' in spec) {
        const sub = spec.$elemMatch
        const inner = isOperatorObject(sub) ? compileFilter({ v: sub }) : compileFilter(sub)
        out.push(isOperatorObject(sub) ? (el) => inner({ v: el }) : (el) => isPlainObject(el) && inner(el))
      } else {
        const p = compileFilter({ v: spec })
        out.push((el) => p({ v: el }))
      }
    } else if (key.startsWith(prefix)) {
      const rest = key.slice(prefix.length)
      const p = compileFilter({ [rest]: spec })
      out.push((el) => (isPlainObject(el) || Array.isArray(el)) && p(el))
    }
  }
  return out
}
