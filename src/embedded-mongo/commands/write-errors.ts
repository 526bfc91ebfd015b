import { toCommandError } from '../errors.ts'
import type { Doc } from '../bson/codec.ts'

/** Formats a failure of one statement of a write command as a `writeErrors` entry. */
export function writeErrorEntry(index: number, err: unknown): Doc {
  const e = toCommandError(err)
  return { index, code: e.code, errmsg: e.message, ...e.extra }
}

/** Builds the reply of a write command (`n`, `writeErrors` only when there are some). */
export function writeReply(fields: Doc, writeErrors: Doc[]): Doc {
  if (writeErrors.length) fields.writeErrors = writeErrors
  fields.ok = 1
  return fields
}
