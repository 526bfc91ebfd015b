import { createConversation, type Conversation } from '@grammyjs/conversations'
import { InlineKeyboard, type Context as BaseContext } from 'grammy'
import type { i18n } from 'i18next'
import type { Context } from '../context.ts'
import { forwardAnswerToOwner, refreshAlerts, sendReplyToCustomer } from '../features/nps-messages.ts'
import { npsCancelButton } from '../features/nps-views.ts'
import { languageOf } from '../i18n/index.ts'
import { npsMessageDeps } from './nps-why.ts'

/** The id of the feedback thread step: `ctx.conversation.enter(NPS_THREAD, ref, side)`. */
export const NPS_THREAD = 'nps-thread'

/** Who writes: an owner replying to a detractor, or the customer answering that reply. */
export type ThreadSide = 'owner' | 'customer'

type ThreadConversation = Conversation<Context, BaseContext>

/** What the write led to, for the writer's confirmation. */
type Written =
  | { kind: 'sent'; name: string }
  | { kind: 'undelivered' }
  | { kind: 'taken'; name: string }
  | { kind: 'closed' }

/**
 * One message of the short feedback thread. The owner taps Reply and types: the reply reaches
 * the customer (with an Answer button), the feedback is marked handled and every owner's alert
 * says by whom; if another owner replied meanwhile, nothing is sent. The customer taps Answer and
 * types: the answer reaches the owner who replied, once. Cancel ends the step; a command or
 * another button ends it and is handled as usual; anything but text gets a request for text.
 */
export function createNpsThreadConversation(i18n: i18n) {
  return createConversation<Context, BaseContext>(
    async (conversation: ThreadConversation, ctx: BaseContext, ref: string, side: ThreadSide) => {
      const lang = languageOf(await conversation.external((outer) => outer.lang))
      const t = i18n.getFixedT(lang)
      const name = await conversation.external(async (outer) => {
        const thread = await outer.services.nps.findFeedback(ref)
        const customer = thread ? await outer.services.customers.get(thread.customerId) : null
        return side === 'owner' ? customer?.name || t('nps_owner.customer_unknown') : ''
      })
      const prompt = side === 'owner' ? t('nps_owner.ask_reply', { name }) : t('nps.ask_answer')
      await ctx.reply(prompt, {
        parse_mode: 'HTML',
        reply_markup: new InlineKeyboard().text(t('nps.button_cancel'), npsCancelButton.encode(ref)),
      })

      let text: string
      for (;;) {
        const next = await conversation.wait()
        const data = next.callbackQuery?.data
        if (data !== undefined) {
          if (npsCancelButton.decode(data) !== ref) return conversation.halt({ next: true })
          await next.answerCallbackQuery()
          await next.editMessageReplyMarkup().catch(() => undefined)
          await next.reply(t('nps.cancelled'), { parse_mode: 'HTML' })
          return
        }
        const typed = next.message?.text
        if (typed !== undefined && typed.startsWith('/')) return conversation.halt({ next: true })
        if (typed !== undefined && typed.trim() !== '') {
          text = typed
          break
        }
        if (next.message === undefined) return conversation.halt({ next: true })
        await next.reply(t('nps.text_only'), { parse_mode: 'HTML' })
      }

      const from = ctx.from
      const written = await conversation.external(async (outer): Promise<Written> => {
        const deps = npsMessageDeps(outer, i18n)
        const nps = outer.services.nps
        if (!from) return { kind: 'closed' }
        if (side === 'owner') {
          const result = await nps.replyToFeedback(ref, { telegramId: from.id, name: from.first_name }, text)
          if (result === null) return { kind: 'closed' }
          if (!result.written) return { kind: 'taken', name: result.feedback.handledBy?.name ?? '' }
          const delivered = await sendReplyToCustomer(deps, result.feedback)
          await refreshAlerts(deps, result.feedback)
          return delivered ? { kind: 'sent', name } : { kind: 'undelivered' }
        }
        const result = await nps.answerReply(ref, from.id, text)
        if (result === null || !result.written) return { kind: 'closed' }
        await forwardAnswerToOwner(deps, result.feedback)
        return { kind: 'sent', name: '' }
      })
      const done =
        written.kind === 'taken'
          ? t('nps_owner.already_handled', { name: written.name })
          : written.kind === 'closed'
            ? t(side === 'owner' ? 'errors.stale_button' : 'nps.answer_already')
            : written.kind === 'undelivered'
              ? t('nps_owner.reply_undelivered')
              : side === 'owner'
                ? t('nps_owner.reply_sent', { name: written.name })
                : t('nps.answer_sent')
      await ctx.reply(done, { parse_mode: 'HTML' })
    },
    { id: NPS_THREAD, parallel: true },
  )
}
