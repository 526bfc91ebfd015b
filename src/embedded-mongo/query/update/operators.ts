import { Long, Timestamp } from 'bson'
import { compareValues, valueKey } from '../../bson/compare.ts'
import {
  compareNumbers,
  decimalArith,
  isNumeric,
  makeNumber,
  numericKind,
  toNumber,
} from '../../bson/numbers.ts'
import { ErrorCode, MongoCommandError } from '../../errors.ts'
import { compileFilter, equalsTest, isOperatorObject } from '../matcher.ts'
import { isPlainObject } from '../paths.ts'
import { parseSort, sortDocuments } from '../sort.ts'
import { bsonTypeName } from '../type-names.ts'
import { locate, readSlot, writeSlot } from './paths.ts'

/** Applies one operator's argument at one concrete path of a (mutable, already cloned) document. */
export type OperatorFn = (doc: Record<string, unknown>, parts: string[], arg: unknown, path: string) => void

function typeError(
  op: string,
  path: string,
  v: unknown,
  doc: Record<string, unknown>,
  what = 'non-numeric',
): MongoCommandError {
  return new MongoCommandError(
    ErrorCode.TypeMismatch,
    `Cannot apply ${op} to a value of ${what} type. {_id: ${String(doc._id)}} has the field '${path.split('.').pop()}' of ${what} type ${bsonTypeName(v)}`,
  )
}

/** Arithmetic with MongoDB's result typing (int + int overflows to long; any double gives double). */
export function arith(a: unknown, b: unknown, op: '+' | '*'): unknown {
  const ka = numericKind(a)
  const kb = numericKind(b)
  if (ka === 'decimal' || kb === 'decimal') return decimalArith(a, b, op)
  if ((ka === 'long' || kb === 'long') && ka !== 'double' && kb !== 'double') {
    const x = BigInt(numericText(a))
    const y = BigInt(numericText(b))
    const r = op === '+' ? x + y : x * y
    return makeLongFromBigInt(r)
  }
  const r = op === '+' ? toNumber(a) + toNumber(b) : toNumber(a) * toNumber(b)
  if (ka === 'int' && kb === 'int') return makeNumber(r, 'int')
  return makeNumber(r, 'double')
}

function numericText(v: unknown): string {
  if (typeof v === 'number') return String(Math.trunc(v))
  return (v as { toString(): string }).toString()
}

function makeLongFromBigInt(r: bigint): unknown {
  return Long.fromBigInt(r)
}

function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy)
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {}
    for (const k in v) out[k] = deepCopy(v[k])
    return out
  }
  return v
}

const $set: OperatorFn = (doc, parts, arg, path) => {
  writeSlot(locate(doc, parts, true) as NonNullable<ReturnType<typeof locate>>, deepCopy(arg), path)
}

const $unset: OperatorFn = (doc, parts) => {
  const slot = locate(doc, parts, false)
  if (!slot) return
  if (Array.isArray(slot.container)) {
    const idx = Number(slot.key)
    if (idx < slot.container.length) slot.container[idx] = null
  } else delete slot.container[slot.key]
}

function numericOp(op: '$inc' | '$mul'): OperatorFn {
  return (doc, parts, arg, path) => {
    if (!isNumeric(arg)) {
      throw new MongoCommandError(
        ErrorCode.TypeMismatch,
        `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${JSON.stringify(arg)}}`,
      )
    }
    const slot = locate(doc, parts, true) as NonNullable<ReturnType<typeof locate>>
    const cur = readSlot(slot)
    if (cur === undefined) {
      writeSlot(slot, op === '$inc' ? arg : arith(arg, 0, '*'), path)
      return
    }
    if (!isNumeric(cur)) throw typeError(op, path, cur, doc)
    writeSlot(slot, arith(cur, arg, op === '$inc' ? '+' : '*'), path)
  }
}

function minMax(op: '$min' | '$max'): OperatorFn {
  return (doc, parts, arg, path) => {
    const slot = locate(doc, parts, true) as NonNullable<ReturnType<typeof locate>>
    const cur = readSlot(slot)
    if (cur === undefined) return writeSlot(slot, deepCopy(arg), path)
    const c = isNumeric(cur) && isNumeric(arg) ? compareNumbers(arg, cur) : compareValues(arg, cur)
    if ((op === '$min' && c < 0) || (op === '$max' && c > 0)) writeSlot(slot, deepCopy(arg), path)
  }
}

const $currentDate: OperatorFn = (doc, parts, arg, path) => {
  const slot = locate(doc, parts, true) as NonNullable<ReturnType<typeof locate>>
  const wantTs = isPlainObject(arg) && arg.$type === 'timestamp'
  if (isPlainObject(arg) && arg.$type !== 'timestamp' && arg.$type !== 'date') {
    throw new MongoCommandError(
      ErrorCode.BadValue,
      "The '$type' string field is required to be 'date' or 'timestamp'",
    )
  }
  const now = Date.now()
  writeSlot(slot, wantTs ? new Timestamp({ t: Math.floor(now / 1000), i: 1 }) : new Date(now), path)
}

function arrayAt(
  doc: Record<string, unknown>,
  parts: string[],
  path: string,
  op: string,
  create: boolean,
): unknown[] | null {
  const slot = locate(doc, parts, create)
  if (!slot) return null
  const cur = readSlot(slot)
  if (cur === undefined || cur === null) {
    if (!create) return null
    if (cur === null) {
      throw new MongoCommandError(
        ErrorCode.BadValue,
        `The field '${path}' must be an array but is of type null in document {_id: ${String(doc._id)}}`,
      )
    }
    const arr: unknown[] = []
    writeSlot(slot, arr, path)
    return arr
  }
  if (!Array.isArray(cur)) {
    throw new MongoCommandError(
      ErrorCode.BadValue,
      `The field '${path}' must be an array but is of type ${bsonTypeName(cur)} in document {_id: ${String(doc._id)}}`,
    )
  }
  void op
  return cur
}

const $push: OperatorFn = (doc, parts, arg, path) => {
  const arr = arrayAt(doc, parts, path, '$push', true) as unknown[]
  const hasModifiers = isPlainObject(arg) && '$each' in arg
  if (!hasModifiers) {
    arr.push(deepCopy(arg))
    return
  }
  const spec = arg as Record<string, unknown>
  if (!Array.isArray(spec.$each))
    throw new MongoCommandError(
      ErrorCode.BadValue,
      `The argument to $each in $push must be an array but it was of type ${bsonTypeName(spec.$each)}`,
    )
  const items = spec.$each.map(deepCopy)
  if (spec.$position !== undefined) {
    let pos = toNumber(spec.$position)
    if (pos < 0) pos = Math.max(0, arr.length + pos)
    arr.splice(Math.min(pos, arr.length), 0, ...items)
  } else arr.push(...items)
  if (spec.$sort !== undefined) {
    if (isPlainObject(spec.$sort)) {
      const sort = parseSort(spec.$sort)
      if (sort) sortDocuments(arr, sort)
    } else {
      const dir = toNumber(spec.$sort)
      arr.sort((a, b) => dir * compareValues(a, b))
    }
  }
  if (spec.$slice !== undefined) {
    const n = toNumber(spec.$slice)
    const kept = n >= 0 ? arr.slice(0, n) : arr.slice(Math.max(0, arr.length + n))
    arr.length = 0
    arr.push(...kept)
  }
}

const $addToSet: OperatorFn = (doc, parts, arg, path) => {
  const arr = arrayAt(doc, parts, path, '$addToSet', true) as unknown[]
  const items = isPlainObject(arg) && '$each' in arg ? (arg.$each as unknown[]) : [arg]
  if (!Array.isArray(items))
    throw new MongoCommandError(ErrorCode.TypeMismatch, 'The argument to $each in $addToSet must be an array')
  const present = new Set(arr.map(valueKey))
  for (const item of items) {
    const k = valueKey(item)
    if (!present.has(k)) {
      present.add(k)
      arr.push(deepCopy(item))
    }
  }
}

const $pop: OperatorFn = (doc, parts, arg, path) => {
  const arr = arrayAt(doc, parts, path, '$pop', false)
  if (!arr || arr.length === 0) return
  if (toNumber(arg) >= 0) arr.pop()
  else arr.shift()
}

function removeWhere(arr: unknown[], test: (v: unknown) => boolean): void {
  let w = 0
  for (let r = 0; r < arr.length; r++) if (!test(arr[r])) arr[w++] = arr[r]
  arr.length = w
}

const $pull: OperatorFn = (doc, parts, arg, path) => {
  const arr = arrayAt(doc, parts, path, '$pull', false)
  if (!arr) return
  let test: (v: unknown) => boolean
  if (isOperatorObject(arg)) {
    const p = compileFilter({ v: arg })
    test = (v) => p({ v })
  } else if (isPlainObject(arg)) {
    const p = compileFilter(arg)
    test = (v) => isPlainObject(v) && p(v)
  } else {
    const eq = equalsTest(arg)
    test = (v) => eq(v)
  }
  removeWhere(arr, test)
}

const $pullAll: OperatorFn = (doc, parts, arg, path) => {
  if (!Array.isArray(arg))
    throw new MongoCommandError(ErrorCode.BadValue, '$pullAll requires an array argument')
  const arr = arrayAt(doc, parts, path, '$pullAll', false)
  if (!arr) return
  const keys = new Set(arg.map(valueKey))
  removeWhere(arr, (v) => keys.has(valueKey(v)))
}

const $bit: OperatorFn = (doc, parts, arg, path) => {
  const slot = locate(doc, parts, true) as NonNullable<ReturnType<typeof locate>>
  let cur = readSlot(slot) ?? 0
  if (!isNumeric(cur)) throw typeError('$bit', path, cur, doc)
  for (const [op, v] of Object.entries(arg as Record<string, unknown>)) {
    const a = toNumber(cur)
    const b = toNumber(v)
    cur = op === 'and' ? a & b : op === 'or' ? a | b : op === 'xor' ? a ^ b : a
  }
  writeSlot(slot, cur, path)
}

/** All supported field update operators (`$rename` and `$setOnInsert` are handled by the caller). */
export const OPERATORS: Record<string, OperatorFn> = {
  $set,
  $unset,
  $inc: numericOp('$inc'),
  $mul: numericOp('$mul'),
  $min: minMax('$min'),
  $max: minMax('$max'),
  $currentDate,
  $push,
  $addToSet,
  $pop,
  $pull,
  $pullAll,
  $bit,
}
