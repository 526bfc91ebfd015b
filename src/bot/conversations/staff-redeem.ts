import { createConversation } from '@grammyjs/conversations'
import type { Context as BaseContext } from 'grammy'
import type { i18n } from 'i18next'
import { money } from '../../domain/money.ts'
import { parsePoints, points } from '../../domain/points.ts'
import type { Context } from '../context.ts'
import { askCustomerToConfirm } from '../features/staff-notices.ts'
import { moneyText, pointsText } from '../features/staff-views.ts'
import { languageOf } from '../i18n/index.ts'
import {
  attempt,
  dialogKeyboard,
  type DialogButton,
  parseOrExplain,
  closePrompt,
  say,
  waitForAnswer,
  type DeskConversation,
  askMoney,
  loadDeskSetup,
} from './staff-dialog.ts'

/** The id staff features enter the redemption dialog with. */
export const STAFF_REDEEM = 'staff-redeem'

/**
 * The redemption dialog: the purchase amount (the cap is a share of it) -> points to spend (at most
 * the cap and the balance) -> the customer is asked to confirm; nothing is spent until they do.
 */
export function createStaffRedeemConversation(i18n: i18n) {
  return createConversation<Context, BaseContext>(
    async (conversation: DeskConversation, ctx: BaseContext, customerId: string) => {
      const setup = await loadDeskSetup(conversation, customerId)
      const t = i18n.getFixedT(languageOf(setup.lang))
      const cancel: [DialogButton, string][] = [['cancel', t('staff.button_cancel')]]

      const amountPrompt = await say(ctx, t('staff.ask_redeem_amount'), dialogKeyboard(t, cancel))
      const amount = await askMoney(conversation, ctx, t, setup, amountPrompt)

      const limits = await conversation.external(async (outside) => {
        const { balance, max } = await outside.services.staffDesk.redeemLimits(customerId, money(amount))
        return {
          max: max as number,
          balance: balance as number,
          amountText: moneyText(outside.config.program, amount, outside.lang),
        }
      })
      if (limits.max === 0) {
        await say(
          ctx,
          t('staff.nothing_to_redeem', {
            balance: pointsText(t, limits.balance),
            amount: limits.amountText,
            max: pointsText(t, limits.max),
          }),
        )
        return
      }
      const max = pointsText(t, limits.max)
      const pointsPrompt = await say(
        ctx,
        t('staff.ask_redeem_points', { max }),
        dialogKeyboard(t, [['max', t('staff.button_redeem_max', { points: max })], ...cancel]),
      )
      let redeem: number
      for (;;) {
        const answer = await waitForAnswer(conversation, t)
        if (answer.kind === 'button') {
          if (answer.button !== 'max') continue
          redeem = limits.max
          break
        }
        const parsed = parseOrExplain(t, () => parsePoints(answer.text))
        if (parsed.ok) {
          // Over the cap or the balance is refused by the desk with the domain's own message.
          redeem = parsed.value
          await closePrompt(ctx, pointsPrompt)
          break
        }
        await say(ctx, parsed.message)
      }

      const text = await conversation.external(async (outside) => {
        const actor = outside.desk
        if (actor === null) return outside.t('errors.not_allowed')
        const asked = await attempt(outside, () =>
          outside.services.staffDesk.requestRedemption(actor, {
            customerId,
            points: points(redeem),
            purchaseAmount: money(amount),
            purchaseId: null,
            receiptId: null,
            staffChatId: outside.chat?.id ?? actor.telegramId,
            staffLang: outside.lang,
          }),
        )
        if (!asked.ok) return asked.message
        await askCustomerToConfirm(
          {
            api: outside.api,
            i18n,
            program: outside.config.program,
            services: outside.services,
            logger: outside.logger,
          },
          asked.value.request,
        )
        return outside.t('staff.redeem_requested', {
          name: setup.name,
          points: pointsText(outside.t, redeem),
        })
      })
      await say(ctx, text)
    },
    { id: STAFF_REDEEM },
  )
}
