import { Composer } from 'grammy'
import type { i18n } from 'i18next'
import { translationKeyOf } from '../../domain/errors.ts'
import type { Context } from '../context.ts'
import {
  closeCustomerPrompt,
  reportExpired,
  sendCustomerReceipt,
  tellStaff,
  type NoticeDeps,
} from './staff-notices.ts'
import { moneyText, pointsText, redemptionAnswer, rewardName } from './staff-views.ts'

/**
 * The customer's answer to "Spend 300 points at <outlet>?". Only the customer asked may answer; a
 * confirmation spends once (a second tap reports it was done), after the timeout it spends nothing;
 * the staff member who asked is told how it ended.
 */
export function createStaffRedemptionFeature(i18n: i18n): Composer<Context> {
  const composer = new Composer<Context>()

  composer.callbackQuery(redemptionAnswer.pattern, async (ctx) => {
    const answer = redemptionAnswer.decode(ctx.callbackQuery.data)
    if (!answer) {
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
      return
    }
    const desk = ctx.services.staffDesk
    const deps: NoticeDeps = {
      api: ctx.api,
      i18n,
      program: ctx.config.program,
      services: ctx.services,
      logger: ctx.logger,
    }
    if (!answer.confirm) {
      const declined = await desk.declineRedemption(answer.requestId, ctx.from.id)
      if (declined === null) {
        await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
        return
      }
      await ctx.answerCallbackQuery()
      if (declined.kind === 'closed') {
        await ctx.reply(ctx.t('staff.customer_closed'))
        return
      }
      const { request } = declined
      await closeCustomerPrompt(deps, request, 'staff.customer_declined')
      await tellStaff(deps, request, (t, _lang, name) => {
        const text = t('staff.redeem_declined', { name, points: pointsText(t, request.points) })
        return request.purchase ? `${text}\n${t('staff.redeem_not_recorded')}` : text
      })
      return
    }

    const result = await desk.confirmRedemption(answer.requestId, ctx.from.id)
    if (result === null) {
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
      return
    }
    await ctx.answerCallbackQuery()
    const { request } = result
    switch (result.kind) {
      case 'spent': {
        const balance = result.balance
        await ctx.editMessageReplyMarkup().catch(() => undefined)
        // With a purchase the receipt says it all (points spent and earned, stamps, a new status).
        if (result.purchase) await sendCustomerReceipt(deps, result.purchase)
        else
          await ctx.reply(
            ctx.t(
              request.rewardId === null ? 'staff.customer_confirmed' : 'staff.customer_confirmed_reward',
              {
                points: pointsText(ctx.t, request.points),
                balance: pointsText(ctx.t, balance),
                reward: rewardName(deps.program, request.rewardId ?? '', ctx.lang),
              },
            ),
          )
        const purchase = result.purchase?.outcome.purchase
        await tellStaff(deps, request, (t, lang, name) => {
          const values = { name, points: pointsText(t, request.points), balance: pointsText(t, balance) }
          if (request.rewardId !== null)
            return t('staff.reward_confirmed', {
              ...values,
              reward: rewardName(deps.program, request.rewardId, lang),
            })
          return purchase
            ? t('staff.redeem_confirmed_purchase', {
                ...values,
                amount: moneyText(deps.program, purchase.amount, lang),
                paid: moneyText(deps.program, purchase.paid, lang),
                earned: pointsText(t, purchase.earned),
              })
            : t('staff.redeem_confirmed', values)
        })
        return
      }
      case 'already':
        await ctx.reply(ctx.t('staff.customer_already'))
        return
      case 'expired':
        await ctx.reply(ctx.t('staff.customer_expired'))
        if (!result.alreadyReported) await reportExpired(deps, request)
        return
      case 'closed':
        await ctx.reply(ctx.t('staff.customer_closed'))
        return
      case 'failed': {
        const reasonKey = translationKeyOf(result.error.code)
        await ctx.reply(ctx.t('staff.customer_failed', { reason: ctx.t(reasonKey, result.error.params) }))
        await tellStaff(deps, request, (t) =>
          t('staff.redeem_failed', {
            points: pointsText(t, request.points),
            reason: t(reasonKey, result.error.params),
          }),
        )
        return
      }
    }
  })

  return composer
}
