import { Composer, InputFile } from 'grammy'
import { localDate, localDateKey } from '../../domain/calendar.ts'
import type { Context } from '../context.ts'
import { ownerOnly } from './owner-stats.ts'

/**
 * `/export`: customers and the ledger as two CSV documents, streamed from the database to
 * Telegram (src/services/reports-export.ts). Owners only.
 */
export function createOwnerExportFeature(): Composer<Context> {
  const composer = new Composer<Context>()
  composer.chatType('private').command('export', ownerOnly, async (ctx) => {
    const day = localDateKey(localDate(ctx.services.clock.now(), ctx.config.program.timeZone))
    const exports = ctx.services.exports
    await ctx.replyWithDocument(new InputFile(exports.customersCsv(), `customers-${day}.csv`), {
      caption: ctx.t('owner_export.customers'),
    })
    await ctx.replyWithDocument(new InputFile(exports.ledgerCsv(), `ledger-${day}.csv`), {
      caption: ctx.t('owner_export.ledger'),
    })
  })
  return composer
}
