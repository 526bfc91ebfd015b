import { Schema, Types, type ClientSession, type Connection } from 'mongoose'
import { DomainError } from '../domain/errors.ts'
import type { LedgerEntry, LedgerEntryKind, NewLedgerEntry } from '../domain/ledger/entry.ts'
import { points, pointsDelta, type Points } from '../domain/points.ts'
import type { AppendResult, LedgerRepository } from '../domain/ports/ledger-repository.ts'
import { isDuplicateKey } from './processed-updates.ts'

interface EntryDoc {
  _id: Types.ObjectId
  customerId: string
  delta: number
  kind: LedgerEntryKind
  reason: string
  actor: { role: 'staff' | 'owner' | 'system'; id: string }
  outletId: string | null
  createdAt: Date
  idempotencyKey: string
  /** Position in the customer's ledger (1, 2, ...), assigned with the balance update: append order. */
  seq: number
  purchaseId?: string
  reversesEntryId?: string
  lotEntryId?: string
  expiresAt?: Date
}

/** One per customer: the cached balance (always the sum of the entries) and the last `seq`. */
interface BalanceDoc {
  _id: string
  balance: number
  seq: number
}

const entrySchema = new Schema<EntryDoc>(
  {
    customerId: { type: String, required: true },
    delta: { type: Number, required: true },
    kind: { type: String, required: true },
    reason: { type: String, required: true },
    actor: { role: { type: String, required: true }, id: { type: String, required: true } },
    outletId: { type: String, default: null },
    createdAt: { type: Date, required: true },
    idempotencyKey: { type: String, required: true, unique: true },
    seq: { type: Number, required: true },
    purchaseId: { type: String },
    reversesEntryId: { type: String },
    lotEntryId: { type: String },
    expiresAt: { type: Date },
  },
  { versionKey: false },
)
entrySchema.index({ customerId: 1, createdAt: -1, _id: -1 })
entrySchema.index({ customerId: 1, seq: 1 })
entrySchema.index({ purchaseId: 1 }, { sparse: true })
entrySchema.index({ expiresAt: 1 }, { sparse: true })

const balanceSchema = new Schema<BalanceDoc>(
  { _id: { type: String, required: true }, balance: { type: Number, required: true }, seq: Number },
  { versionKey: false },
)

function toEntry(doc: EntryDoc): LedgerEntry {
  return {
    id: doc._id.toHexString(),
    customerId: doc.customerId,
    delta: pointsDelta(doc.delta),
    kind: doc.kind,
    reason: doc.reason,
    actor: { role: doc.actor.role, id: doc.actor.id },
    outletId: doc.outletId ?? null,
    createdAt: doc.createdAt,
    idempotencyKey: doc.idempotencyKey,
    ...(doc.purchaseId !== undefined ? { purchaseId: doc.purchaseId } : {}),
    ...(doc.reversesEntryId !== undefined ? { reversesEntryId: doc.reversesEntryId } : {}),
    ...(doc.lotEntryId !== undefined ? { lotEntryId: doc.lotEntryId } : {}),
    ...(doc.expiresAt !== undefined && doc.expiresAt !== null ? { expiresAt: doc.expiresAt } : {}),
  }
}

/** The ledger's own check, kept from the caller: undefined optional fields are not stored. */
function toDoc(entry: NewLedgerEntry, seq: number): Omit<EntryDoc, '_id'> {
  const doc: Omit<EntryDoc, '_id'> = {
    customerId: entry.customerId,
    delta: entry.delta,
    kind: entry.kind,
    reason: entry.reason,
    actor: { role: entry.actor.role, id: entry.actor.id },
    outletId: entry.outletId,
    createdAt: entry.createdAt,
    idempotencyKey: entry.idempotencyKey,
    seq,
  }
  if (entry.purchaseId !== undefined) doc.purchaseId = entry.purchaseId
  if (entry.reversesEntryId !== undefined) doc.reversesEntryId = entry.reversesEntryId
  if (entry.lotEntryId !== undefined) doc.lotEntryId = entry.lotEntryId
  if (entry.expiresAt !== undefined) doc.expiresAt = entry.expiresAt
  return doc
}

/** Thrown inside the append's transaction when the customer has no balance document yet. */
class NoBalanceYet extends Error {}

/** The ledger repository plus what tests and exports need beyond the domain port. */
export interface MongoLedgerRepository extends LedgerRepository {
  /** The sum of the stored deltas, computed from the entries (not the cache): for invariant checks. */
  sumOfEntries(customerId: string): Promise<number>
}

/**
 * The append-only ledger in MongoDB. Every append runs in one transaction that moves the
 * customer's cached balance (`ledger_balances`, a conditional `$inc` for debits) and inserts the
 * entry, so the cache always equals the sum of the entries and two concurrent spends of the same
 * points cannot both pass (the second one's transaction conflicts, retries and finds the balance
 * spent). The unique index on `idempotencyKey` makes retries harmless.
 */
export async function createLedgerRepository(connection: Connection): Promise<MongoLedgerRepository> {
  const entries = connection.model<EntryDoc>('LedgerEntry', entrySchema, 'ledger_entries')
  const balances = connection.model<BalanceDoc>('LedgerBalance', balanceSchema, 'ledger_balances')
  await entries.init()
  await balances.init()

  const findByKey = async (key: string) => {
    const doc = await entries.findOne({ idempotencyKey: key }).lean<EntryDoc>()
    return doc ? toEntry(doc) : null
  }

  /** Makes sure the balance document exists, outside any transaction (two first appends may race). */
  async function ensureBalance(customerId: string): Promise<void> {
    try {
      await balances.updateOne(
        { _id: customerId },
        { $setOnInsert: { balance: 0, seq: 0 } },
        { upsert: true },
      )
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
    }
  }

  /**
   * Moves the cached balance (refused below zero) and stores the entry, as one transaction: three
   * round-trips (the balance's `findAndModify`, the insert, the commit). A used key is not looked up
   * first: its insert fails on the unique index, the transaction is aborted with the balance
   * unmoved, and the entry stored earlier is the answer. A customer's very first credit finds no
   * balance document; it is created outside the transaction (two first appends may race) and the
   * append is tried again.
   */
  async function appendAtomically(entry: NewLedgerEntry): Promise<AppendResult> {
    try {
      return await connection.transaction(async (session: ClientSession) => {
        const guard = entry.delta < 0 ? { balance: { $gte: -entry.delta } } : {}
        const moved = await balances
          .findOneAndUpdate(
            { _id: entry.customerId, ...guard },
            { $inc: { balance: entry.delta, seq: 1 } },
            { session, returnDocument: 'after' },
          )
          .lean<BalanceDoc>()
        if (moved === null) {
          const current = await balances.findById(entry.customerId).session(session).lean<BalanceDoc>()
          if (current === null && entry.delta > 0) throw new NoBalanceYet()
          throw new DomainError('LEDGER.INSUFFICIENT_POINTS', {
            balance: current?.balance ?? 0,
            requested: -entry.delta,
          })
        }
        const [created] = await entries.create([toDoc(entry, moved.seq)], { session })
        return {
          entry: toEntry(created!.toObject() as EntryDoc),
          created: true,
          balance: points(moved.balance),
        }
      })
    } catch (error) {
      if (error instanceof NoBalanceYet) {
        await ensureBalance(entry.customerId)
        return appendAtomically(entry)
      }
      // The key was used before (a retry, a double tap) or meanwhile (a racing first attempt):
      // that entry is the answer, whatever the balance says now.
      if (isDuplicateKey(error) || error instanceof DomainError) {
        const raced = await findByKey(entry.idempotencyKey)
        if (raced) return { entry: raced, created: false }
      }
      throw error
    }
  }

  return {
    async append(entry) {
      if (entry.delta <= 0) throw new RangeError('append takes credits only')
      return appendAtomically(entry)
    },
    async appendDebitIfCovered(entry) {
      if (entry.delta >= 0) throw new RangeError('appendDebitIfCovered takes debits only')
      return appendAtomically(entry)
    },
    async findById(entryId) {
      if (!/^[0-9a-f]{24}$/i.test(entryId)) return null
      const doc = await entries.findById(entryId).lean<EntryDoc>()
      return doc ? toEntry(doc) : null
    },
    findByKey,
    async entriesOf(customerId, { limit, before }) {
      const filter: Record<string, unknown> = { customerId }
      if (before) {
        const id = /^[0-9a-f]{24}$/i.test(before.id) ? new Types.ObjectId(before.id) : null
        filter.$or = [
          { createdAt: { $lt: before.createdAt } },
          ...(id ? [{ createdAt: before.createdAt, _id: { $lt: id } }] : []),
        ]
      }
      const docs = await entries.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<EntryDoc[]>()
      return docs.map(toEntry)
    },
    async allEntriesOf(customerId) {
      const docs = await entries.find({ customerId }).sort({ seq: 1 }).lean<EntryDoc[]>()
      return docs.map(toEntry)
    },
    async entriesOfPurchase(purchaseId) {
      const docs = await entries.find({ purchaseId }).sort({ createdAt: 1, _id: 1 }).lean<EntryDoc[]>()
      return docs.map(toEntry)
    },
    async balanceOf(customerId): Promise<Points> {
      const doc = await balances.findById(customerId).lean<BalanceDoc>()
      return points(doc?.balance ?? 0)
    },
    async customersWithCreditsExpiringBetween(from, to) {
      const ids = await entries.distinct('customerId', {
        delta: { $gt: 0 },
        expiresAt: { $gte: from, $lt: to },
      })
      return ids.map(String)
    },
    async sumOfEntries(customerId) {
      const [row] = await entries.aggregate<{ total: number }>([
        { $match: { customerId } },
        { $group: { _id: null, total: { $sum: '$delta' } } },
      ])
      return row?.total ?? 0
    },
  }
}
