import type { Long, ObjectId } from 'bson'
import type { Doc } from '../bson/codec.ts'
import { isNumeric, toNumber } from '../bson/numbers.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'
import type { Engine, WriteUnit } from '../storage/engine.ts'
import type { Transaction } from '../storage/transaction.ts'
import type { CollectionView } from '../storage/views.ts'
import type { CursorStore } from './cursors.ts'
import type { SessionStore } from './sessions.ts'

/** What a command can know about the connection it arrived on. */
export interface ConnectionInfo {
  id: number
  /** "host:port" the client reached us on, used as the replica set member name. */
  me: string
  /** Set when the client asked for an exhaust (streaming) reply. */
  exhaustAllowed: boolean
  closed: boolean
}

/** Tunables of a running server. */
export interface ServerSettings {
  replSetName: string
  cursorTimeoutMs: number
  transactionLifetimeMs: number
  ttlIntervalMs: number
}

/** Shared state of one server instance. */
export interface ServerState {
  readonly engine: Engine
  readonly cursors: CursorStore
  readonly sessions: SessionStore
  readonly settings: ServerSettings
  readonly counts: Map<string, number>
  readonly topologyVersion: { processId: ObjectId; counter: Long }
  readonly startedAt: Date
  /** Resolves when the server begins shutting down (ends awaitable hellos). */
  readonly stopping: Promise<void>
  isStopping(): boolean
  connectionCount(): number
  log(line: string): void
  /**
   * Makes a unit durable (journal append + fsync) and resolves then; null when there is nothing
   * to wait for (in memory, or no changes), so such a command can reply without yielding.
   */
  commit(unit: WriteUnit): Promise<void> | null
  /** False after a journal failure: write commands are then refused before they change anything. */
  writable(): boolean
}

/** Everything a command handler needs. */
export interface CommandContext {
  readonly state: ServerState
  readonly db: string
  readonly body: Doc
  readonly conn: ConnectionInfo
  readonly unit: WriteUnit
  readonly txn: Transaction | null
  /** Canonical key of the command's logical session, if any. */
  readonly lsidKey: string | null
  /** A view of a collection of `db`, through the transaction when there is one. */
  view(collection: string): CollectionView
}

/** A command implementation. Handlers that write must not await before returning. */
export type CommandHandler = (ctx: CommandContext) => Doc | Promise<Doc>

/** Reads the collection name argument of a command (`{find: "coll"}`). */
export function collectionArg(ctx: CommandContext, name: string): string {
  const v = ctx.body[name]
  if (typeof v !== 'string' || v.length === 0) {
    throw new MongoCommandError(ErrorCode.InvalidNamespace, `collection name has invalid type ${typeof v}`)
  }
  return v
}

/** Reads an optional non-negative integer option. */
export function intOption(body: Doc, name: string, fallback: number): number {
  const v = body[name]
  if (v === undefined || v === null) return fallback
  if (!isNumeric(v)) throw new MongoCommandError(ErrorCode.TypeMismatch, `Field '${name}' should be a number`)
  const n = toNumber(v)
  if (n < 0)
    throw new MongoCommandError(ErrorCode.BadValue, `${name} value must be non-negative, but received: ${n}`)
  return Math.trunc(n)
}

/** Reads an optional document option. */
export function docOption(body: Doc, name: string): Doc | undefined {
  const v = body[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new MongoCommandError(
      ErrorCode.TypeMismatch,
      `BSON field '${name}' is the wrong type, expected type 'object'`,
    )
  }
  return v as Doc
}
