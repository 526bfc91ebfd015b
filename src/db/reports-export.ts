import type { Connection } from 'mongoose'

/** One customer as exported. Erased customers keep their id and totals, nothing personal. */
export interface CustomerExportRow {
  readonly id: string
  readonly name: string
  readonly phone: string
  /** "31.12", "31.12.1990" or empty. */
  readonly birthday: string
  readonly language: string
  readonly tierId: string
  readonly joinedAt: Date | null
  readonly promotions: boolean
  readonly erased: boolean
  /** Points balance. */
  readonly balance: number
  /** Sum of non-voided purchase amounts, minor units. */
  readonly spent: number
}

/** One ledger entry as exported. */
export interface LedgerExportRow {
  readonly id: string
  readonly customerId: string
  readonly createdAt: Date
  readonly kind: string
  readonly delta: number
  readonly outletId: string
  readonly actor: string
  readonly purchaseId: string
  /** The purchase's amount in minor units for earn/redeem entries; null otherwise. */
  readonly purchaseAmount: number | null
}

/** Rows for `/export`, read in batches from cursors so a large program is never held in memory. */
export interface ExportQueries {
  customers(): AsyncIterable<CustomerExportRow>
  ledger(): AsyncIterable<LedgerExportRow>
}

const BATCH = 500

async function* batches<T>(cursor: AsyncIterable<T>): AsyncGenerator<T[]> {
  let batch: T[] = []
  for await (const doc of cursor) {
    batch.push(doc)
    if (batch.length === BATCH) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

/** Opens the export queries over `customers`, `ledger_balances`, `purchases` and `ledger_entries`. */
export function createExportQueries(connection: Connection): ExportQueries {
  const db = connection.db
  if (!db) throw new Error('database connection is not open')
  const customers = db.collection('customers')
  const balances = db.collection<{ _id: string; balance: number }>('ledger_balances')
  const purchases = db.collection('purchases')
  const ledger = db.collection('ledger_entries')
  return {
    async *customers() {
      const cursor = customers.find({ joinedAt: { $ne: null } }).sort({ joinedAt: 1, _id: 1 })
      for await (const batch of batches(cursor)) {
        const ids = batch.map((doc) => String(doc._id))
        const [balanceRows, spendRows] = await Promise.all([
          balances.find({ _id: { $in: ids } }).toArray(),
          purchases
            .aggregate<{ _id: string; total: number }>([
              { $match: { customerId: { $in: ids }, voidedAt: null } },
              { $group: { _id: '$customerId', total: { $sum: '$amount' } } },
            ])
            .toArray(),
        ])
        const balanceOf = new Map(balanceRows.map((row) => [row._id, row.balance]))
        const spentOf = new Map(spendRows.map((row) => [row._id, row.total]))
        for (const doc of batch) {
          const id = String(doc._id)
          const birthday = doc.birthday as { day: number; month: number; year: number | null } | null
          const pad = (value: number) => String(value).padStart(2, '0')
          yield {
            id,
            name: String(doc.name ?? ''),
            phone: String(doc.phone ?? ''),
            birthday: birthday
              ? `${pad(birthday.day)}.${pad(birthday.month)}${birthday.year ? `.${birthday.year}` : ''}`
              : '',
            language: String(doc.language ?? ''),
            tierId: String(doc.tierId ?? ''),
            joinedAt: (doc.joinedAt as Date | null) ?? null,
            promotions: doc.consents?.promotions !== false,
            erased: doc.erasedAt != null,
            balance: Number(balanceOf.get(id) ?? 0),
            spent: Number(spentOf.get(id) ?? 0),
          }
        }
      }
    },
    async *ledger() {
      const cursor = ledger.find({}).sort({ createdAt: 1, _id: 1 })
      for await (const batch of batches(cursor)) {
        const purchaseIds = [...new Set(batch.map((doc) => doc.purchaseId).filter(Boolean))]
        const amounts = new Map(
          (await purchases.find({ _id: { $in: purchaseIds } }, { projection: { amount: 1 } }).toArray()).map(
            (row) => [String(row._id), Number(row.amount)],
          ),
        )
        for (const doc of batch) {
          const purchaseId = doc.purchaseId ? String(doc.purchaseId) : ''
          yield {
            id: String(doc._id),
            customerId: String(doc.customerId),
            createdAt: doc.createdAt as Date,
            kind: String(doc.kind),
            delta: Number(doc.delta),
            outletId: String(doc.outletId ?? ''),
            actor: `${doc.actor?.role ?? ''}:${doc.actor?.id ?? ''}`,
            purchaseId,
            purchaseAmount: purchaseId ? (amounts.get(purchaseId) ?? null) : null,
          }
        }
      }
    },
  }
}
