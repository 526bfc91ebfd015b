import { Composer } from 'grammy'
import { isDomainError, translationKeyOf } from '../../domain/errors.ts'
import { JOIN, referralCodeOf } from '../conversations/join.ts'
import type { Context } from '../context.ts'
import { mainMenu } from '../keyboards/main-menu.ts'

const composer = new Composer<Context>()
const feature = composer.chatType('private')

/**
 * /start: a member gets the main menu; anyone else joins (the join conversation), optionally
 * invited through `?start=r-<code>`. A card link (`c-<token>`) opened by a customer, or any garbage
 * payload, is treated as a plain /start: the customer just sees their own menu or the join.
 */
feature.command('start', async (ctx) => {
  const membership = ctx.services.membership
  const member = await membership.memberOf(ctx.from.id)
  const referral = referralCodeOf(ctx.match)
  if (member) {
    if (referral) await refuseReferral(ctx, member.id, referral)
    await ctx.reply(ctx.t('join.welcome_back', { name: member.name }), { reply_markup: mainMenu(ctx) })
    return
  }
  const customer = await membership.open({
    telegramId: ctx.from.id,
    chatId: ctx.chat.id,
    firstName: ctx.from.first_name,
    language: ctx.lang,
  })
  if (referral) {
    try {
      await membership.applyReferral(customer.id, referral)
      await ctx.reply(ctx.t('invite.applied'))
    } catch (error) {
      if (!isDomainError(error)) throw error
      await ctx.reply(ctx.t(translationKeyOf(error.code), error.params))
    }
  }
  await ctx.conversation.enter(JOIN, customer.id)
})

/** A member opening an invite link: say why it does not apply (self, already invited, not new). */
async function refuseReferral(ctx: Context, customerId: string, code: string): Promise<void> {
  try {
    await ctx.services.membership.applyReferral(customerId, code)
  } catch (error) {
    if (!isDomainError(error)) throw error
    await ctx.reply(ctx.t(translationKeyOf(error.code), error.params))
  }
}

export { composer as startFeature }
