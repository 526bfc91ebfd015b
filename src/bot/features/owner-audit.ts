import { Composer } from 'grammy'
import type { Context } from '../context.ts'
import { formatDate } from '../i18n/format.ts'
import { outletName } from './staff-views.ts'

/** Operations shown by /audit. */
const AUDIT_LIMIT = 20

const composer = new Composer<Context>()
const feature = composer.chatType('private')

/**
 * /audit [outlet]: the owners' view of the latest desk operations — when, where, who served whom and
 * what (purchases, redemptions, stamps, certificates; undone ones marked). Anyone else is refused.
 */
feature.command('audit', async (ctx) => {
  if (ctx.role !== 'owner') {
    await ctx.reply(ctx.t('errors.not_allowed'))
    return
  }
  const { program } = ctx.config
  const requested = ctx.match.trim()
  const outlet = program.outlets.find((item) => item.id === requested || item.name === requested)
  if (requested !== '' && !outlet) {
    await ctx.reply(ctx.t('staff_owner.unknown_outlet'))
    return
  }
  const operations = await ctx.services.staffDesk.recentOperations(AUDIT_LIMIT, outlet?.id)
  if (operations.length === 0) {
    await ctx.reply(ctx.t('staff_owner.audit_empty'))
    return
  }
  const lines = operations.map((operation) =>
    ctx.t(operation.undoneAt ? 'staff_owner.audit_line_undone' : 'staff_owner.audit_line', {
      at: formatDate(operation.at, ctx.lang, program.timeZone, true),
      outlet: outletName(program, operation.outletId),
      staff: operation.staffName ?? ctx.t('staff_owner.audit_owner'),
      customer: operation.customerName || '—',
      what: ctx.t(`staff_owner.audit_kind_${operation.kind}`),
    }),
  )
  await ctx.reply(
    ctx.t('staff_owner.audit', { lines: lines.join('\n'), interpolation: { escapeValue: false } }),
  )
})

export { composer as ownerAuditFeature }
