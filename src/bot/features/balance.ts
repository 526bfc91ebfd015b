import { Composer } from 'grammy'
import type { i18n } from 'i18next'
import type { Context } from '../context.ts'
import { formatDate, formatMoney } from '../i18n/format.ts'
import { formatPercent } from '../i18n/format-loyalty.ts'
import { mainMenu, menuLabels } from '../keyboards/main-menu.ts'
import { forMember } from '../middlewares/require-member.ts'

/** /balance and the Balance button: points (or the discount), tier and progress, stamps, expiring points. */
export function createBalanceFeature(i18n: i18n): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')
  const show = forMember<Context>(async (ctx, member) => {
    const view = await ctx.services.membership.balance(member)
    const { program } = ctx.config
    const lang = ctx.lang
    const money = (minor: number) =>
      formatMoney(minor, program.currency.code, program.currency.minorUnits, lang)
    const tierName = view.tier.names[lang]
    const discountMode = view.mode === 'discount'
    const lines = [
      discountMode
        ? ctx.t('balance.discount_title', { percent: formatPercent(view.tier.discountBp, lang) })
        : ctx.t('balance.title', { points: ctx.t('common.points', { count: view.balance }) }),
      discountMode
        ? ctx.t('balance.tier_discount', { tier: tierName })
        : ctx.t('balance.tier', { tier: tierName, rate: formatPercent(view.tier.earnRateBp, lang) }),
      view.progress
        ? ctx.t(discountMode ? 'balance.progress_discount' : 'balance.progress', {
            missing: money(view.progress.missing),
            next: view.progress.nextTier.names[lang],
            percent: formatPercent(view.progress.nextTier.discountBp, lang),
          })
        : ctx.t('balance.top_tier'),
    ]
    if (view.stamps) {
      lines.push(ctx.t('balance.stamps', { stamps: view.stamps.stamps, perCard: view.stamps.perCard }))
      if (view.stamps.rewardsAvailable > 0)
        lines.push(ctx.t('balance.stamp_rewards', { count: view.stamps.rewardsAvailable }))
    }
    if (!discountMode && view.expiring.points > 0 && view.expiring.firstExpiresAt) {
      lines.push(
        ctx.t('balance.expiring', {
          points: ctx.t('common.points', { count: view.expiring.points }),
          date: formatDate(view.expiring.firstExpiresAt, lang, program.timeZone),
        }),
      )
    }
    await ctx.reply(lines.join('\n\n'), { reply_markup: mainMenu(ctx) })
  })
  feature.command('balance', show)
  feature.hears(
    menuLabels((lang) => i18n.getFixedT(lang), 'menu.balance'),
    show,
  )
  return composer
}
