import { randomUUID } from 'node:crypto'
import { createConversation } from '@grammyjs/conversations'
import type { Context as BaseContext } from 'grammy'
import type { i18n } from 'i18next'
import { money } from '../../domain/money.ts'
import { parsePoints, points } from '../../domain/points.ts'
import type { Context } from '../context.ts'
import { askCustomerToConfirm, sendCustomerReceipt, staffPurchaseText } from '../features/staff-notices.ts'
import { pointsText } from '../features/staff-views.ts'
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
} from './staff-dialog.ts'

/**
 * The id staff features enter the purchase dialog with, after checking the customer is active:
 * `ctx.conversation.enter(STAFF_PURCHASE, customer.id, customer.name)`.
 */
export const STAFF_PURCHASE = 'staff-purchase'

/** Longest receipt number accepted; colons are refused (the purchase id uses them as separators). */
const RECEIPT_PATTERN = /^[^:]{1,40}$/

/**
 * The purchase dialog: amount -> optional receipt number -> optionally points to spend. Without points
 * the purchase is recorded at once (points by the tier's rate, stamps, tier upgrade) and the customer
 * gets a receipt; with points the customer is asked to confirm, and the purchase is recorded with
 * the points when they do.
 */
export function createStaffPurchaseConversation(i18n: i18n) {
  return createConversation<Context, BaseContext>(
    async (conversation: DeskConversation, ctx: BaseContext, customerId: string, name?: string) => {
      // A dialog entered before the name came with the customer id reads it here.
      const setup = await conversation.external(async (outside) => ({
        lang: outside.lang,
        name: name ?? (await outside.services.staffDesk.activeCustomer(customerId)).name,
      }))
      const t = i18n.getFixedT(languageOf(setup.lang))
      const program = await conversation.external((outside) => ({
        currency: outside.config.program.currency,
        maxAmount: outside.config.program.purchases.maxAmount,
        pointsMode: outside.config.program.mode === 'points',
      }))
      // Drawn once, when the dialog starts, and kept with its state: a last step that failed (the
      // database went away after the purchase was written) and is repeated records nothing new.
      const operationId = await conversation.external(() => randomUUID())
      const cancel: [DialogButton, string][] = [['cancel', t('staff.button_cancel')]]

      const amountPrompt = await say(
        ctx,
        t('staff.ask_amount', { name: setup.name }),
        dialogKeyboard(t, cancel),
      )
      const amount = await askMoney(conversation, ctx, t, program, amountPrompt)

      const receiptPrompt = await say(
        ctx,
        t('staff.ask_receipt'),
        dialogKeyboard(t, [['skip', t('staff.button_skip')], ...cancel]),
      )
      let receiptId: string | null = null
      for (;;) {
        const answer = await waitForAnswer(conversation, t)
        if (answer.kind === 'button' && answer.button === 'skip') break
        if (answer.kind === 'text' && RECEIPT_PATTERN.test(answer.text.trim())) {
          receiptId = answer.text.trim()
          await closePrompt(ctx, receiptPrompt)
          break
        }
        await say(ctx, t('staff.receipt_invalid'))
      }

      // Points are offered only in points mode; the balance is shown only when they are.
      const limits = await conversation.external(async (outside) => {
        if (!program.pointsMode) return { max: 0, balance: 0 }
        const { balance, max } = await outside.services.staffDesk.redeemLimits(customerId, money(amount))
        return { max: max as number, balance: balance as number }
      })
      let redeem = 0
      if (limits.max > 0) {
        const max = pointsText(t, limits.max)
        const redeemPrompt = await say(
          ctx,
          t('staff.ask_redeem', { balance: pointsText(t, limits.balance), max }),
          dialogKeyboard(t, [
            ['none', t('staff.button_no_redeem')],
            ['max', t('staff.button_redeem_max', { points: max })],
          ]),
        )
        for (;;) {
          const answer = await waitForAnswer(conversation, t)
          if (answer.kind === 'button') {
            redeem = answer.button === 'max' ? limits.max : 0
            if (answer.button === 'max' || answer.button === 'none') break
            continue
          }
          const parsed = parseOrExplain(t, () => parsePoints(answer.text))
          if (parsed.ok && parsed.value <= limits.max) {
            redeem = parsed.value
            await closePrompt(ctx, redeemPrompt)
            break
          }
          await say(
            ctx,
            parsed.ok ? t('errors.REDEEM.OVER_CAP', { max: limits.max, count: limits.max }) : parsed.message,
          )
        }
      }

      const text = await conversation.external(async (outside) => {
        const desk = outside.services.staffDesk
        const actor = outside.desk
        if (actor === null) return outside.t('errors.not_allowed')
        const purchaseId = desk.purchaseIdFor(actor, receiptId, operationId)
        const deps = {
          api: outside.api,
          i18n,
          program: outside.config.program,
          services: outside.services,
          logger: outside.logger,
        }
        if (redeem > 0) {
          const asked = await attempt(outside, () =>
            desk.requestRedemption(actor, {
              customerId,
              points: points(redeem),
              purchaseAmount: money(amount),
              purchaseId,
              receiptId,
              staffChatId: outside.chat?.id ?? actor.telegramId,
              staffLang: outside.lang,
            }),
          )
          if (!asked.ok) return asked.message
          await askCustomerToConfirm(deps, asked.value.request)
          return outside.t('staff.redeem_requested', {
            name: setup.name,
            points: pointsText(outside.t, redeem),
          })
        }
        const recorded = await attempt(outside, () =>
          desk.recordPurchase(actor, { customerId, purchaseId, amount: money(amount) }),
        )
        if (!recorded.ok) return recorded.message
        if (!recorded.value.outcome.replayed) await sendCustomerReceipt(deps, recorded.value)
        return staffPurchaseText(outside.t, outside.lang, outside.config.program, setup.name, recorded.value)
      })
      await say(ctx, text)
    },
    { id: STAFF_PURCHASE },
  )
}
