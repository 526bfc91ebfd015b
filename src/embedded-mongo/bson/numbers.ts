import { Decimal128, Double, Int32, Long } from 'bson'

/** True when `v` is any BSON numeric value (JS number, Double, Int32, Long, Decimal128). */
export function isNumeric(v: unknown): boolean {
  if (typeof v === 'number') return true
  if (v === null || typeof v !== 'object') return false
  const tag = (v as { _bsontype?: string })._bsontype
  return tag === 'Double' || tag === 'Long' || tag === 'Decimal128' || tag === 'Int32'
}

/** Converts a numeric BSON value to a JS number (Long/Decimal128 may lose precision). */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v
  const tag = (v as { _bsontype?: string })._bsontype
  if (tag === 'Double' || tag === 'Int32') return (v as Double).value
  if (tag === 'Long') return (v as Long).toNumber()
  if (tag === 'Decimal128') return Number.parseFloat((v as Decimal128).toString())
  return Number.NaN
}

/** Exact decimal form: value = digits * 10^exp. `null` for NaN / infinities. */
interface Exact {
  digits: bigint
  exp: number
}

function exactOf(v: unknown): Exact | null {
  const tag = typeof v === 'number' ? 'n' : (v as { _bsontype?: string })._bsontype
  if (tag === 'Long') return { digits: (v as Long).toBigInt(), exp: 0 }
  const text = tag === 'Decimal128' ? (v as Decimal128).toString() : String(toNumber(v))
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text)
  if (!m) return null
  const frac = m[3] ?? ''
  const digits = BigInt((m[1] ?? '') + (m[2] ?? '0') + frac)
  return { digits, exp: Number(m[4] ?? 0) - frac.length }
}

function compareExact(a: Exact, b: Exact): number {
  let x = a.digits
  let y = b.digits
  if (a.exp > b.exp) x *= 10n ** BigInt(a.exp - b.exp)
  else if (b.exp > a.exp) y *= 10n ** BigInt(b.exp - a.exp)
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * Compares two numeric BSON values numerically, whatever their BSON types. NaN sorts below every
 * other number and equals itself, as in MongoDB.
 */
export function compareNumbers(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return cmpPlain(a, b)
  const ta = typeof a === 'number' ? '' : (a as { _bsontype?: string })._bsontype
  const tb = typeof b === 'number' ? '' : (b as { _bsontype?: string })._bsontype
  if (ta !== 'Long' && ta !== 'Decimal128' && tb !== 'Long' && tb !== 'Decimal128') {
    return cmpPlain(toNumber(a), toNumber(b))
  }
  if (ta === 'Long' && tb === 'Long') return (a as Long).compare(b as Long)
  const na = toNumber(a)
  const nb = toNumber(b)
  if (Number.isNaN(na) || Number.isNaN(nb) || !Number.isFinite(na) || !Number.isFinite(nb)) {
    return cmpPlain(na, nb)
  }
  const ea = exactOf(a)
  const eb = exactOf(b)
  if (!ea || !eb) return cmpPlain(na, nb)
  return compareExact(ea, eb)
}

function cmpPlain(a: number, b: number): number {
  if (a < b) return -1
  if (a > b) return 1
  if (a === b) return 0
  const an = Number.isNaN(a)
  const bn = Number.isNaN(b)
  if (an && bn) return 0
  return an ? -1 : 1
}

/**
 * Exact decimal addition or multiplication (Decimal128 with any numeric): MongoDB computes these
 * in decimal, so 0.1 + 0.2 is exactly 0.3 and trailing zeros of the scale are kept (1.50 + 1 = 2.50).
 */
export function decimalArith(a: unknown, b: unknown, op: '+' | '*'): Decimal128 {
  const x = exactOf(a)
  const y = exactOf(b)
  if (!x || !y) {
    const r = op === '+' ? toNumber(a) + toNumber(b) : toNumber(a) * toNumber(b)
    return Decimal128.fromString(Number.isNaN(r) ? 'NaN' : r > 0 ? 'Infinity' : '-Infinity')
  }
  let digits: bigint
  let exp: number
  if (op === '*') {
    digits = x.digits * y.digits
    exp = x.exp + y.exp
  } else {
    exp = Math.min(x.exp, y.exp)
    digits = x.digits * 10n ** BigInt(x.exp - exp) + y.digits * 10n ** BigInt(y.exp - exp)
  }
  return Decimal128.fromStringWithRounding(`${digits}E${exp}`)
}

/** A canonical string for a numeric value: numerically equal values of any BSON type share it. */
export function numericKey(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '0' : String(v)
  const tag = (v as { _bsontype?: string })._bsontype
  if (tag === 'Long') {
    const l = v as Long
    const n = l.toNumber()
    return Number.isSafeInteger(n) ? String(n) : l.toString()
  }
  if (tag === 'Decimal128') {
    const e = exactOf(v)
    if (!e) return String(toNumber(v))
    let { digits, exp } = e
    if (digits === 0n) return '0'
    while (exp < 0 && digits % 10n === 0n) {
      digits /= 10n
      exp++
    }
    if (exp >= 0) {
      const big = digits * 10n ** BigInt(exp)
      const n = Number(big)
      return Number.isSafeInteger(n) ? String(n) : big.toString()
    }
    const asNum = toNumber(v)
    return String(asNum)
  }
  return String(toNumber(v))
}

/** Builds the BSON value MongoDB would produce for integer arithmetic results (Int32 → Long on overflow). */
export function makeNumber(n: number, kind: 'int' | 'long' | 'double' | 'decimal'): unknown {
  if (kind === 'decimal') return Decimal128.fromString(String(n))
  if (kind === 'long') return Long.fromNumber(n)
  if (kind === 'int') {
    if (Number.isInteger(n) && n >= -2147483648 && n <= 2147483647) return n
    return Long.fromNumber(n)
  }
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? new Double(n) : n
}

/** The MongoDB numeric kind of a value, for arithmetic result typing. */
export function numericKind(v: unknown): 'int' | 'long' | 'double' | 'decimal' {
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0) ? 'int' : 'double'
  }
  const tag = (v as { _bsontype?: string })._bsontype
  if (tag === 'Long') return 'long'
  if (tag === 'Decimal128') return 'decimal'
  if (tag === 'Int32') return 'int'
  return 'double'
}

export { Int32 }
