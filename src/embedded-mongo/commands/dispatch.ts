import type { Doc } from '../bson/codec.ts'
import { ErrorCode, MongoCommandError, toCommandError } from '../errors.ts'
import { WriteUnit } from '../storage/engine.ts'
import type { Transaction } from '../storage/transaction.ts'
import { DirectView } from '../storage/views.ts'
import type { CollectionView } from '../storage/views.ts'
import type { CommandContext, CommandHandler, ConnectionInfo, ServerState } from './context.ts'
import { lsidKeyOf, txnNumberOf } from './sessions.ts'
import type { SessionState } from './sessions.ts'

/** Commands whose retries (same lsid + txnNumber) must not apply twice. */
const RETRYABLE = new Set(['insert', 'update', 'delete', 'findAndModify'])
/** Commands allowed inside a multi-document transaction. */
const IN_TXN = new Set([
  'find',
  'getMore',
  'killCursors',
  'insert',
  'update',
  'delete',
  'findAndModify',
  'aggregate',
  'count',
  'distinct',
  'commitTransaction',
  'abortTransaction',
  'create',
  'createIndexes',
  'listCollections',
  'listIndexes',
])
const TXN_CONTROL = new Set(['commitTransaction', 'abortTransaction'])
/** Commands that may change data (refused once the journal has failed). */
const WRITES = new Set([
  'insert',
  'update',
  'delete',
  'findAndModify',
  'findandmodify',
  'create',
  'drop',
  'dropDatabase',
  'createIndexes',
  'dropIndexes',
  'deleteIndexes',
  'renameCollection',
  'collMod',
  'commitTransaction',
  'aggregate',
])

/** Extra per-command information for transaction control commands. */
export interface SessionInfo {
  session: SessionState | null
  txnNumber: bigint | null
}

const handlers = new Map<string, CommandHandler>()

/** The context of one command (a class, so running a command allocates no closures). */
class Context implements CommandContext {
  constructor(
    readonly state: ServerState,
    readonly db: string,
    readonly body: Doc,
    readonly conn: ConnectionInfo,
    readonly unit: WriteUnit,
    readonly txn: Transaction | null,
    readonly lsidKey: string | null,
    readonly session: SessionState | null,
    readonly txnNumber: bigint | null,
  ) {}

  view(collection: string): CollectionView {
    return this.txn
      ? this.txn.view(this.db, collection)
      : new DirectView(this.state.engine, this.db, collection, this.unit)
  }
}

/** Registers command handlers by name. */
export function registerCommands(table: Record<string, CommandHandler>): void {
  for (const [name, fn] of Object.entries(table)) handlers.set(name, fn)
}

/** The session and txnNumber a command carried (for commit/abort/endSessions). */
export function sessionOf(ctx: CommandContext): SessionInfo {
  return ctx instanceof Context
    ? { session: ctx.session, txnNumber: ctx.txnNumber }
    : { session: null, txnNumber: null }
}

/**
 * Runs one command and returns its reply document (errors become `{ok: 0, ...}` replies). The
 * reply comes back synchronously unless the handler is asynchronous or the changes have to reach
 * the journal first, so most commands cost no promise at all.
 */
export function runCommand(
  state: ServerState,
  body: Doc,
  db: string,
  conn: ConnectionInfo,
): Doc | Promise<Doc> {
  const name = Object.keys(body)[0]
  if (name === undefined) return new MongoCommandError(ErrorCode.FailedToParse, 'empty command').toReply()
  const handler = handlers.get(name)
  // Unknown names are counted together so a client cannot grow the table without bound.
  const counted = handler ? name : '(unknown)'
  state.counts.set(counted, (state.counts.get(counted) ?? 0) + 1)
  if (!handler) {
    state.log(`unknown command: ${name}`)
    return new MongoCommandError(ErrorCode.CommandNotFound, `no such command: '${name}'`).toReply()
  }
  let txn: Transaction | null = null
  if (WRITES.has(name) && !state.writable() && !(name === 'aggregate' && !hasOutputStage(body))) {
    return new MongoCommandError(
      ErrorCode.InternalError,
      'the journal failed earlier; writes are refused until restart',
    ).toReply()
  }
  try {
    const lsidKey = lsidKeyOf(body.lsid)
    const txnNumber = txnNumberOf(body.txnNumber)
    const session: SessionState | null = lsidKey ? state.sessions.get(lsidKey) : null
    if (session && txnNumber !== null && body.autocommit === false && !TXN_CONTROL.has(name)) {
      if (!IN_TXN.has(name)) {
        throw new MongoCommandError(
          ErrorCode.OperationNotSupportedInTransaction,
          `Cannot run '${name}' in a multi-document transaction.`,
        )
      }
      txn = state.sessions.transactionFor(session, txnNumber, body.startTransaction === true)
    }
    const retryable =
      session && txnNumber !== null && !txn && body.autocommit === undefined && RETRYABLE.has(name)
    if (retryable && session?.lastWrite && session.lastWrite.txnNumber === txnNumber)
      return session.lastWrite.reply
    const unit = new WriteUnit()
    const ctx = new Context(state, db, body, conn, unit, txn, lsidKey, session, txnNumber)
    const done: Finish = { state, name, txn, retried: retryable ? session : null, txnNumber }
    const reply = handler(ctx)
    if (reply instanceof Promise) return settleAsync(done, reply, unit)
    const durable = state.commit(unit)
    return durable
      ? settleAsync(
          done,
          durable.then(() => reply),
        )
      : finish(done, reply)
  } catch (err) {
    return failure(state, name, txn, err)
  }
}

/** What is left to do once a command's reply is known (and durable). */
interface Finish {
  state: ServerState
  name: string
  txn: Transaction | null
  /** The session whose retryable-write record the reply becomes, if the command is retryable. */
  retried: SessionState | null
  txnNumber: bigint | null
}

/** Awaits an asynchronous handler (and then commits its unit, if given) or a pending commit. */
async function settleAsync(done: Finish, pending: Promise<Doc>, unit?: WriteUnit): Promise<Doc> {
  try {
    const reply = await pending
    if (unit) await done.state.commit(unit)
    return finish(done, reply)
  } catch (err) {
    return failure(done.state, done.name, done.txn, err)
  }
}

function finish(done: Finish, reply: Doc): Doc {
  if (done.txn && (reply.writeErrors as unknown[] | undefined)?.length) done.txn.abort()
  if (done.retried && done.txnNumber !== null) done.retried.lastWrite = { txnNumber: done.txnNumber, reply }
  return reply
}

function failure(state: ServerState, name: string, txn: Transaction | null, err: unknown): Doc {
  const e = toCommandError(err)
  if (!(err instanceof MongoCommandError)) {
    state.log(`command ${name} failed: ${(err as Error)?.stack ?? String(err)}`)
  }
  if (txn?.status === 'active') {
    txn.abort()
    if (e.code === ErrorCode.WriteConflict || e.code === ErrorCode.NoSuchTransaction) {
      e.errorLabels = ['TransientTransactionError']
    }
  }
  return e.toReply()
}

function hasOutputStage(body: Doc): boolean {
  const pipeline = body.pipeline
  if (!Array.isArray(pipeline)) return false
  const last = pipeline[pipeline.length - 1] as Doc | undefined
  return last !== undefined && last !== null && ('$out' in last || '$merge' in last)
}
