import { Composer } from 'grammy'
import type { Context } from '../context.ts'
import { showDeskMenu } from './staff-commands.ts'
import { outletName, replyWithSummary } from './staff-views.ts'

const composer = new Composer<Context>()
const feature = composer.chatType('private')

/**
 * The desk's deep links, mounted before the customer's /start: `?start=s-<token>` (a staff invite)
 * and `?start=c-<token>` (a card QR scanned with a phone camera). Any other /start goes on.
 */
feature.command('start', async (ctx, next) => {
  const payload = ctx.match.trim()
  if (payload.startsWith('s-')) {
    const joined = await ctx.services.staffDesk.joinByInvite(payload.slice(2), {
      id: ctx.from.id,
      name: ctx.from.first_name,
    })
    if (!joined.ok) {
      await ctx.reply(ctx.t(`staff.invite_${joined.reason}`))
      return
    }
    await showDeskMenu(ctx, ctx.role === 'owner' ? 'owner' : 'staff')
    await ctx.reply(
      ctx.t('staff.joined', {
        name: ctx.from.first_name,
        outlet: outletName(ctx.config.program, joined.member.outletId),
      }),
    )
    return
  }
  if (payload.startsWith('c-')) {
    if (ctx.desk === null) {
      await ctx.reply(ctx.t('staff.card_for_staff'))
      return
    }
    const customer = await ctx.services.staffDesk.findByCardToken(payload.slice(2))
    if (customer === null) {
      await ctx.reply(ctx.t('staff.card_unknown'))
      return
    }
    await replyWithSummary(ctx, customer)
    return
  }
  await next()
})

export { composer as staffLinksFeature }
