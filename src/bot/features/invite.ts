import { Composer, InlineKeyboard } from 'grammy'
import type { i18n } from 'i18next'
import type { Context } from '../context.ts'
import { formatMoney } from '../i18n/format.ts'
import { mainMenu, menuLabels } from '../keyboards/main-menu.ts'
import { forMember } from '../middlewares/require-member.ts'

/** The personal invite link: `https://t.me/<bot>?start=r-<code>`. */
export function inviteLink(botUsername: string, referralCode: string): string {
  return `https://t.me/${botUsername}?start=r-${referralCode}`
}

/**
 * /invite and the Invite button: the personal link and what both sides get. The bonuses are paid
 * by the purchase flow on the friend's first qualifying purchase.
 */
export function createInviteFeature(i18n: i18n): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')
  const show = forMember<Context>(async (ctx, member) => {
    const { program } = ctx.config
    if (!program.referral.enabled) {
      await ctx.reply(ctx.t('invite.disabled'), { reply_markup: mainMenu(ctx) })
      return
    }
    const link = inviteLink(ctx.me.username, member.referralCode)
    const share = new URL('https://t.me/share/url')
    share.searchParams.set('url', link)
    share.searchParams.set('text', ctx.t('invite.share_text', { shop: program.shopName }))
    await ctx.reply(
      ctx.t('invite.text', {
        link,
        min: formatMoney(
          program.referral.minPurchase,
          program.currency.code,
          program.currency.minorUnits,
          ctx.lang,
        ),
        inviter: ctx.t('common.points', { count: program.referral.inviterBonus }),
        invitee: ctx.t('common.points', { count: program.referral.inviteeBonus }),
      }),
      { reply_markup: new InlineKeyboard().url(ctx.t('invite.share'), share.toString()) },
    )
  })
  feature.command('invite', show)
  feature.hears(
    menuLabels((lang) => i18n.getFixedT(lang), 'menu.invite'),
    show,
  )
  return composer
}
