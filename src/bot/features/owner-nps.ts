import { Composer } from 'grammy'
import { NPS_THREAD } from '../conversations/nps-thread.ts'
import { NPS_WHY } from '../conversations/nps-why.ts'
import type { Context } from '../context.ts'
import { isNpsPeriod, type NpsPeriod } from '../../services/nps-report.ts'
import { npsReplyButton, reportText, staffText } from './nps-views.ts'

/** Owners only: staff and customers are told the command is not for them, and nothing happens. */
const ownerOnly = async (ctx: Context, next: () => Promise<void>) => {
  if (ctx.role === 'owner') return next()
  if (ctx.callbackQuery)
    await ctx.answerCallbackQuery({ text: ctx.t('errors.not_allowed'), show_alert: true })
  else await ctx.reply(ctx.t('errors.not_allowed'))
}

/** The default `/nps` period. */
const DEFAULT_PERIOD: NpsPeriod = '30d'

/**
 * The owner's side of NPS: `/nps [today|7d|30d|month]` (default 30 days) with the score, counts
 * and splits by outlet, staff member and touchpoint; and Reply under a detractor alert, which
 * opens the reply step unless another owner already answered (then says who).
 */
export function createOwnerNpsFeature(): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')

  feature.command('nps', ownerOnly, async (ctx) => {
    const argument = ctx.match.trim().toLowerCase()
    if (argument !== '' && !isNpsPeriod(argument)) {
      await ctx.reply(ctx.t('nps_owner.usage'))
      return
    }
    const report = await ctx.services.nps.report(argument === '' ? DEFAULT_PERIOD : argument)
    const staffNames = new Map<string, string>()
    for (const staffId of report.byStaff.keys()) {
      staffNames.set(staffId, staffText(ctx.t, await ctx.services.nps.staffLabel(staffId)))
    }
    await ctx.reply(reportText(ctx.t, ctx.lang, ctx.config.program, report, staffNames))
  })

  feature.callbackQuery(npsReplyButton.pattern, ownerOnly, async (ctx) => {
    const ref = npsReplyButton.decode(ctx.callbackQuery.data)
    const thread = ref ? await ctx.services.nps.findFeedback(ref) : null
    if (!ref || !thread) {
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
      return
    }
    if (thread.handledBy !== null) {
      const name = thread.handledBy.name
      // A toast is plain text: the name goes in as typed; the message is HTML, escaped as usual.
      await ctx.answerCallbackQuery({
        text: ctx.t('nps_owner.already_handled', { name, interpolation: { escapeValue: false } }),
      })
      await ctx.reply(ctx.t('nps_owner.already_handled', { name }))
      return
    }
    await ctx.answerCallbackQuery()
    // One NPS step at a time (an owner may also be a surveyed customer).
    await ctx.conversation.exit(NPS_WHY)
    await ctx.conversation.exit(NPS_THREAD)
    await ctx.conversation.enter(NPS_THREAD, ref, 'owner')
  })

  return composer
}
