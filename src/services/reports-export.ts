import { toDecimalString, money, type Currency } from '../domain/money.ts'
import type { ExportQueries } from '../db/reports-export.ts'

/** The byte-order mark that makes Excel read the CSV as UTF-8 (Russian names stay readable). */
const BOM = '\uFEFF'

/** One CSV field: quoted when it holds a separator, a quote or a line break; quotes doubled. */
export function csvField(value: string | number | boolean | null): string {
  const text = value === null ? '' : String(value)
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function csvLine(fields: readonly (string | number | boolean | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`
}

async function* encode(
  header: readonly string[],
  rows: AsyncIterable<readonly (string | number | boolean | null)[]>,
) {
  const encoder = new TextEncoder()
  yield encoder.encode(BOM + csvLine(header))
  for await (const row of rows) yield encoder.encode(csvLine(row))
}

/**
 * `/export`: customers and the ledger as CSV (UTF-8 with BOM, comma-separated, RFC 4180 quoting),
 * produced row by row from database cursors. Money as decimal strings from integer minor units;
 * points as integers; instants in ISO 8601 UTC. Erased customers appear without personal data.
 */
export function createExportService(deps: { queries: ExportQueries; currency: Currency }) {
  const { queries, currency } = deps
  return {
    customersCsv(): AsyncIterable<Uint8Array> {
      return encode(
        [
          'id',
          'name',
          'phone',
          'birthday',
          'language',
          'tier',
          'joined_at',
          'promotions',
          'erased',
          'points',
          'spent',
        ],
        (async function* () {
          for await (const row of queries.customers())
            yield [
              row.id,
              row.name,
              row.phone,
              row.birthday,
              row.language,
              row.tierId,
              row.joinedAt?.toISOString() ?? '',
              row.promotions ? 'yes' : 'no',
              row.erased ? 'yes' : 'no',
              row.balance,
              toDecimalString(money(row.spent), currency),
            ]
        })(),
      )
    },
    ledgerCsv(): AsyncIterable<Uint8Array> {
      return encode(
        [
          'id',
          'customer_id',
          'created_at',
          'kind',
          'points',
          'outlet',
          'actor',
          'purchase_id',
          'purchase_amount',
        ],
        (async function* () {
          for await (const row of queries.ledger())
            yield [
              row.id,
              row.customerId,
              row.createdAt.toISOString(),
              row.kind,
              row.delta,
              row.outletId,
              row.actor,
              row.purchaseId,
              row.purchaseAmount === null ? '' : toDecimalString(money(row.purchaseAmount), currency),
            ]
        })(),
      )
    },
  }
}

/** The service made by {@link createExportService}. */
export type ExportService = ReturnType<typeof createExportService>
