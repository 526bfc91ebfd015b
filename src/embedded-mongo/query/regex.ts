import type { BSONRegExp } from 'bson'
import { badValue } from '../errors.ts'

const cache = new Map<string, RegExp>()

/** Compiles a MongoDB regex (pattern + options) to a JS RegExp, supporting the i, m, s, x and u options. */
export function compileRegex(pattern: string, options = ''): RegExp {
  const key = options + '/' + pattern
  let re = cache.get(key)
  if (re) return re
  let flags = ''
  let source = pattern
  for (const ch of options) {
    if (ch === 'i' || ch === 'm' || ch === 's' || ch === 'u') flags += flags.includes(ch) ? '' : ch
    else if (ch === 'x') source = stripExtended(source)
    else if (ch !== 'l') throw badValue(`invalid flag in regex options: ${ch}`)
  }
  try {
    re = new RegExp(source, flags)
  } catch (err) {
    throw badValue(`Regular expression is invalid: ${(err as Error).message}`)
  }
  if (cache.size > 1000) cache.clear()
  cache.set(key, re)
  return re
}

/** True when the value is a regular expression (JS RegExp or bson BSONRegExp). */
export function isRegexValue(v: unknown): v is RegExp | BSONRegExp {
  return (
    v instanceof RegExp ||
    (v !== null && typeof v === 'object' && (v as { _bsontype?: string })._bsontype === 'BSONRegExp')
  )
}

/** Converts a regex value to a JS RegExp. */
export function toJsRegex(v: RegExp | BSONRegExp): RegExp {
  if (v instanceof RegExp) return v
  return compileRegex(v.pattern, v.options)
}

/** Implements the `x` option: drops unescaped whitespace and `#` comments. */
function stripExtended(source: string): string {
  let out = ''
  let inClass = false
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string
    if (ch === '\\') {
      out += ch + (source[i + 1] ?? '')
      i++
    } else if (inClass) {
      if (ch === ']') inClass = false
      out += ch
    } else if (ch === '[') {
      inClass = true
      out += ch
    } else if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i++
    } else if (!/\s/.test(ch)) out += ch
  }
  return out
}
