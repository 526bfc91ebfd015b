import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import type { CommandHandler } from './context.ts'
import { sessionOf } from './dispatch.ts'
import { lsidKeyOf } from './sessions.ts'

const commitTransaction: CommandHandler = (ctx) => {
  const { session, txnNumber } = sessionOf(ctx)
  if (!session || txnNumber === null)
    throw new MongoCommandError(ErrorCode.BadValue, 'commitTransaction requires a session and txnNumber')
  const txn = ctx.state.sessions.existing(session, txnNumber)
  if (txn.status === 'committed') return { ok: 1 }
  if (txn.status === 'aborted') {
    throw new MongoCommandError(
      ErrorCode.NoSuchTransaction,
      `Transaction with { txnNumber: ${txnNumber} } has been aborted.`,
      {},
      ['TransientTransactionError'],
    )
  }
  try {
    txn.commit(ctx.unit)
  } catch (err) {
    txn.abort()
    throw err
  }
  return { ok: 1 }
}

const abortTransaction: CommandHandler = (ctx) => {
  const { session, txnNumber } = sessionOf(ctx)
  if (!session || txnNumber === null)
    throw new MongoCommandError(ErrorCode.BadValue, 'abortTransaction requires a session and txnNumber')
  const txn = ctx.state.sessions.existing(session, txnNumber)
  if (txn.status === 'committed')
    throw new MongoCommandError(ErrorCode.TransactionCommitted, 'Cannot abort a committed transaction')
  if (txn.status === 'aborted') {
    throw new MongoCommandError(
      ErrorCode.NoSuchTransaction,
      `Transaction with { txnNumber: ${txnNumber} } has been aborted.`,
      {},
      ['TransientTransactionError'],
    )
  }
  txn.abort()
  return { ok: 1 }
}

function sessionKeys(list: unknown): string[] {
  if (!Array.isArray(list)) return []
  return list.map(lsidKeyOf).filter((k): k is string => k !== null)
}

/** Session and transaction commands. */
export const transactionCommands: Record<string, CommandHandler> = {
  commitTransaction,
  abortTransaction,
  endSessions: (ctx): Doc => {
    const keys = sessionKeys(ctx.body.endSessions)
    ctx.state.sessions.end(keys)
    for (const k of keys) ctx.state.cursors.killSession(k)
    return { ok: 1 }
  },
  killSessions: (ctx): Doc => {
    ctx.state.sessions.end(sessionKeys(ctx.body.killSessions))
    return { ok: 1 }
  },
  refreshSessions: () => ({ ok: 1 }),
  startSession: () => ({ ok: 1 }),
  killAllSessions: () => ({ ok: 1 }),
}
