import { Composer } from 'grammy'
import type { i18n } from 'i18next'
import type { Context } from '../context.ts'
import { formatMoney } from '../i18n/format.ts'
import { formatPercent } from '../i18n/format-loyalty.ts'
import { mainMenu, menuLabels } from '../keyboards/main-menu.ts'
import { forMember } from '../middlewares/require-member.ts'

/**
 * /rewards and the Rewards button: what points and stamps buy, and what is close. Points pay for
 * part of a purchase (1 point = 1 currency unit, up to the redeem cap) or buy a reward of the
 * catalogue whole (with the points still missing for each), the stamp card gives every N-th item,
 * the next tier raises the earn rate.
 */
export function createRewardsFeature(i18n: i18n): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')
  const show = forMember<Context>(async (ctx, member) => {
    const view = await ctx.services.membership.rewards(member)
    const { program } = ctx.config
    const lang = ctx.lang
    const money = (minor: number) =>
      formatMoney(minor, program.currency.code, program.currency.minorUnits, lang)
    const pointsText = (count: number) => ctx.t('common.points', { count })
    const unit = 10 ** program.currency.minorUnits
    const lines = [ctx.t('rewards.title')]
    if (program.mode === 'points') {
      const cap = formatPercent(view.redeemCapBp, lang)
      lines.push(
        [
          ctx.t('rewards.points', { cap }),
          view.balance > 0
            ? ctx.t('rewards.points_now', {
                points: pointsText(view.balance),
                money: money(view.balance * unit),
                purchase: money(view.purchaseToSpendAll),
              })
            : ctx.t('rewards.points_none'),
        ].join('\n'),
      )
    }
    if (view.catalogue.length > 0) {
      lines.push(
        [
          ctx.t('rewards.catalogue'),
          ...view.catalogue.map(({ reward, missing }) => {
            const values = { reward: reward.names[lang], points: pointsText(reward.points) }
            return missing === 0
              ? ctx.t('rewards.catalogue_ready', values)
              : ctx.t('rewards.catalogue_missing', { ...values, count: missing })
          }),
        ].join('\n'),
      )
    }
    if (view.stamps) {
      const reward = program.stampCard.rewardNames[lang]
      const missing = view.stamps.perCard - view.stamps.stamps
      lines.push(
        [
          ctx.t('rewards.stamps', {
            reward,
            every: program.stampCard.every,
            stamps: view.stamps.stamps,
            perCard: view.stamps.perCard,
          }),
          view.stamps.rewardsAvailable > 0
            ? ctx.t('rewards.stamps_ready', { reward })
            : ctx.t('rewards.stamps_close', { count: missing, reward }),
        ].join('\n'),
      )
    }
    if (view.progress && program.mode === 'points') {
      lines.push(
        ctx.t('rewards.tier', {
          missing: money(view.progress.missing),
          next: view.progress.nextTier.names[lang],
          rate: formatPercent(view.progress.nextTier.earnRateBp, lang),
        }),
      )
    }
    if (view.birthdayBonus > 0)
      lines.push(ctx.t('rewards.birthday', { points: pointsText(view.birthdayBonus) }))
    await ctx.reply(lines.join('\n\n'), { reply_markup: mainMenu(ctx) })
  })
  feature.command('rewards', show)
  feature.hears(
    menuLabels((lang) => i18n.getFixedT(lang), 'menu.rewards'),
    show,
  )
  return composer
}
