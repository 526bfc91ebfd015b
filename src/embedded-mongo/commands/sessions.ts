import type { Doc } from '../bson/codec.ts'
import { isNumeric } from '../bson/numbers.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import type { Engine } from '../storage/engine.ts'
import { Transaction } from '../storage/transaction.ts'

/** Server-side state of a logical session. */
export interface SessionState {
  key: string
  lastUsed: number
  txn: Transaction | null
  /** The transaction number of the last retryable write and its reply, to answer retries. */
  lastWrite: { txnNumber: bigint; reply: Doc } | null
  /** The highest transaction number seen, committed transactions answer repeated commits. */
  lastCommitted: bigint | null
}

/** Canonical key of an `lsid` document (`{id: UUID}`). */
export function lsidKeyOf(lsid: unknown): string | null {
  if (!lsid || typeof lsid !== 'object') return null
  const id = (lsid as { id?: { buffer?: Uint8Array; position?: number } }).id
  const bytes = id?.buffer
  if (!bytes) return null
  // The UUID bytes as a latin1 string: cheap to build, only used as a map key.
  const n = id.position ?? bytes.length
  if (Buffer.isBuffer(bytes)) return bytes.toString('latin1', 0, n)
  return Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('latin1')
}

/** Converts a txnNumber (Long or number) to bigint. */
export function txnNumberOf(v: unknown): bigint | null {
  if (v === undefined || v === null) return null
  if (typeof v === 'number') return BigInt(Math.trunc(v))
  if (typeof v === 'bigint') return v
  if (isNumeric(v) && typeof (v as { toBigInt?: () => bigint }).toBigInt === 'function') {
    return (v as { toBigInt(): bigint }).toBigInt()
  }
  throw new MongoCommandError(ErrorCode.TypeMismatch, 'txnNumber must be a number')
}

function noSuchTransaction(n: bigint): MongoCommandError {
  return new MongoCommandError(
    ErrorCode.NoSuchTransaction,
    `Transaction with { txnNumber: ${n} } has been aborted.`,
    {},
    ['TransientTransactionError'],
  )
}

/** Logical sessions, their transactions and their retryable-write records. */
export class SessionStore {
  private readonly sessions = new Map<string, SessionState>()

  constructor(
    private readonly engine: Engine,
    private readonly txnLifetimeMs: number,
  ) {}

  /** Returns (creating) the state of a session. */
  get(key: string): SessionState {
    let s = this.sessions.get(key)
    if (!s) {
      s = { key, lastUsed: Date.now(), txn: null, lastWrite: null, lastCommitted: null }
      this.sessions.set(key, s)
    }
    s.lastUsed = Date.now()
    return s
  }

  /**
   * Resolves the transaction a command runs in, following mongod's rules for `startTransaction`,
   * `autocommit: false` and `txnNumber`.
   */
  transactionFor(session: SessionState, txnNumber: bigint, start: boolean): Transaction {
    const current = session.txn
    if (start) {
      if (current && current.txnNumber === txnNumber) {
        throw new MongoCommandError(
          ErrorCode.BadValue,
          `Given transaction number ${txnNumber} does not match any in-progress transactions.`,
        )
      }
      if (current && current.txnNumber > txnNumber) {
        throw new MongoCommandError(
          ErrorCode.BadValue,
          `txnNumber ${txnNumber} is less than last txnNumber ${current.txnNumber} seen in session`,
        )
      }
      if (current?.status === 'active') current.abort()
      const txn = new Transaction(this.engine, txnNumber)
      session.txn = txn
      return txn
    }
    if (!current || current.txnNumber !== txnNumber || current.status === 'aborted')
      throw noSuchTransaction(txnNumber)
    if (current.status === 'committed') {
      throw new MongoCommandError(
        ErrorCode.TransactionCommitted,
        `Transaction ${txnNumber} has been committed.`,
      )
    }
    current.lastUsed = Date.now()
    return current
  }

  /** Looks up the transaction for commit/abort. */
  existing(session: SessionState, txnNumber: bigint): Transaction {
    const current = session.txn
    if (!current || current.txnNumber !== txnNumber) throw noSuchTransaction(txnNumber)
    return current
  }

  /** Ends sessions: aborts their open transactions and forgets them. */
  end(keys: string[]): void {
    for (const key of keys) {
      const s = this.sessions.get(key)
      if (s?.txn?.status === 'active') s.txn.abort()
      this.sessions.delete(key)
    }
  }

  /** Aborts transactions older than the lifetime limit and forgets sessions idle for 30 minutes. */
  sweep(now = Date.now()): void {
    for (const [key, s] of this.sessions) {
      if (s.txn?.status === 'active' && now - s.txn.lastUsed > this.txnLifetimeMs) s.txn.abort()
      if (now - s.lastUsed > 30 * 60_000 && s.txn?.status !== 'active') this.sessions.delete(key)
    }
  }

  /** Aborts every open transaction (shutdown). */
  abortAll(): void {
    for (const s of this.sessions.values()) if (s.txn?.status === 'active') s.txn.abort()
  }
}
