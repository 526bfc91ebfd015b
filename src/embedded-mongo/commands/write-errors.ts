import { toCommandError } from '../errors.ts'
import type { Doc } from '../bson/codec.ts'
import type { CommandContext } from './context.ts'

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

/**
 * Runs `apply` on each statement of a write command the way MongoDB does: a failure becomes a
 * `writeErrors` entry and stops the rest when the command is ordered (the default); inside a
 * transaction the first failure aborts the whole command instead. Returns the entries.
 */
export function eachStatement(
  ctx: CommandContext,
  statements: readonly unknown[],
  apply: (statement: unknown, index: number) => void,
): Doc[] {
  const ordered = ctx.body.ordered !== false
  const writeErrors: Doc[] = []
  for (let i = 0; i < statements.length; i++) {
    try {
      apply(statements[i], i)
    } catch (err) {
      if (ctx.txn) throw toCommandError(err)
      writeErrors.push(writeErrorEntry(i, err))
      if (ordered) break
    }
  }
  return writeErrors
}
