import { createConversation } from '@grammyjs/conversations'
import type { Context as BaseContext } from 'grammy'
import type { i18n } from 'i18next'
import { formatGiftCode } from '../../domain/gift-certificates.ts'
import { money } from '../../domain/money.ts'
import type { Context } from '../context.ts'
import { moneyText, notify, pointsText } from '../features/staff-views.ts'
import { languageOf } from '../i18n/index.ts'
import {
  attempt,
  dialogKeyboard,
  closePrompt,
  say,
  waitForAnswer,
  type DeskConversation,
  type DialogButton,
  askMoney,
  loadDeskSetup,
} from './staff-dialog.ts'

/** The id staff features enter the gift certificate dialog with. */
export const STAFF_GIFT = 'staff-gift'

/**
 * Gift certificates at the desk: issue one to the customer (a value -> a fresh code, sent to the
 * customer too), or accept a code the customer presents (its value becomes points, once).
 */
export function createStaffGiftConversation(i18n: i18n) {
  return createConversation<Context, BaseContext>(
    async (conversation: DeskConversation, ctx: BaseContext, customerId: string) => {
      const setup = await loadDeskSetup(conversation, customerId)
      const t = i18n.getFixedT(languageOf(setup.lang))
      const cancel: [DialogButton, string][] = [['cancel', t('staff.button_cancel')]]

      await say(
        ctx,
        t('staff.gift_choose', { name: setup.name }),
        dialogKeyboard(t, [
          ['issue', t('staff.button_gift_issue')],
          ['accept', t('staff.button_gift_accept')],
          ...cancel,
        ]),
      )
      let issue: boolean
      for (;;) {
        const answer = await waitForAnswer(conversation, t)
        if (answer.kind === 'button' && (answer.button === 'issue' || answer.button === 'accept')) {
          issue = answer.button === 'issue'
          break
        }
      }

      if (issue) {
        const valuePrompt = await say(ctx, t('staff.gift_ask_value'), dialogKeyboard(t, cancel))
        const value = await askMoney(conversation, ctx, t, setup, valuePrompt)
        const text = await conversation.external(async (outside) => {
          const actor = outside.desk
          if (actor === null) return outside.t('errors.not_allowed')
          const issued = await attempt(outside, () =>
            outside.services.staffDesk.issueGift(actor, customerId, money(value)),
          )
          if (!issued.ok) return issued.message
          const certificate = issued.value
          const customer = await outside.services.customers.get(customerId)
          if (customer?.chatId) {
            await notify(
              { api: outside.api, i18n, logger: outside.logger },
              customer.chatId,
              customer.language,
              (tt, lang) =>
                tt('staff.customer_gift_issued', {
                  value: moneyText(outside.config.program, certificate.value, lang),
                  code: formatGiftCode(certificate.code),
                }),
            )
          }
          return outside.t('staff.gift_issued', {
            name: setup.name,
            value: moneyText(outside.config.program, certificate.value, outside.lang),
            code: formatGiftCode(certificate.code),
          })
        })
        await say(ctx, text)
        return
      }

      const codePrompt = await say(ctx, t('staff.gift_ask_code'), dialogKeyboard(t, cancel))
      let code: string
      for (;;) {
        const answer = await waitForAnswer(conversation, t)
        if (answer.kind === 'text') {
          code = answer.text
          await closePrompt(ctx, codePrompt)
          break
        }
      }
      const text = await conversation.external(async (outside) => {
        const actor = outside.desk
        if (actor === null) return outside.t('errors.not_allowed')
        const accepted = await attempt(outside, () =>
          outside.services.staffDesk.acceptGift(actor, customerId, code),
        )
        if (!accepted.ok) return accepted.message
        const { certificate, balance } = accepted.value
        const customer = await outside.services.customers.get(customerId)
        if (customer?.chatId) {
          await notify(
            { api: outside.api, i18n, logger: outside.logger },
            customer.chatId,
            customer.language,
            (tt) =>
              tt('staff.customer_gift_accepted', {
                points: pointsText(tt, accepted.value.points),
                balance: pointsText(tt, balance),
              }),
          )
        }
        return outside.t('staff.gift_accepted', {
          value: moneyText(outside.config.program, certificate.value, outside.lang),
          points: pointsText(outside.t, accepted.value.points),
          name: setup.name,
          balance: pointsText(outside.t, balance),
        })
      })
      await say(ctx, text)
    },
    { id: STAFF_GIFT },
  )
}
