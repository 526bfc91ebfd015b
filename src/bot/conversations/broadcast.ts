import { createConversation, type Conversation } from '@grammyjs/conversations'
import { InlineKeyboard, type Context as BaseContext } from 'grammy'
import type { i18n } from 'i18next'
import { LIFECYCLE_STAGES, LOYALTY_TYPES } from '../../domain/segments.ts'
import { BROADCAST_MAX_LENGTH } from '../../services/broadcast.ts'
import type { SegmentKey } from '../../services/reports.ts'
import type { Context } from '../context.ts'
import {
  broadcastAnswer,
  broadcastMessage,
  broadcastReportText,
  cancelKeyboard,
  confirmKeyboard,
  segmentName,
} from '../features/owner-broadcast-views.ts'
import { segmentButton } from '../features/owner-segments-codec.ts'
import { languageOf } from '../features/staff-views.ts'

/** The id of the broadcast dialog: `ctx.conversation.enter(BROADCAST, segmentData?)`. */
export const BROADCAST = 'owner-broadcast'

type BroadcastConversation = Conversation<Context, BaseContext>

/** Every segment as a picker button, and "everyone". */
function segmentPicker(i18nT: Parameters<typeof segmentName>[0]): InlineKeyboard {
  const keyboard = new InlineKeyboard().text(
    i18nT('owner_broadcast.everyone'),
    segmentButton.encode({ kind: 'all' }),
  )
  keyboard.row()
  for (const stage of LIFECYCLE_STAGES)
    keyboard
      .text(segmentName(i18nT, { kind: 'stage', stage }), segmentButton.encode({ kind: 'stage', stage }))
      .row()
  for (const loyalty of LOYALTY_TYPES)
    keyboard
      .text(
        segmentName(i18nT, { kind: 'loyalty', loyalty }),
        segmentButton.encode({ kind: 'loyalty', loyalty }),
      )
      .row()
  return keyboard.text(i18nT('owner_broadcast.cancel'), broadcastAnswer.encode('no'))
}

/**
 * The owner's broadcast: text -> segment (unless chosen under /segments) -> a preview exactly as
 * customers will see it -> Send. Sending is the job's (src/jobs/owner-broadcast.ts), through the
 * outbox. Cancel ends it at any step; a command ends it and is handled as usual.
 */
export function createBroadcastConversation(i18n: i18n) {
  return createConversation<Context, BaseContext>(
    async (conversation: BroadcastConversation, ctx: BaseContext, segmentData: string | null) => {
      const lang = languageOf(await conversation.external((outer) => outer.lang))
      const t = i18n.getFixedT(lang)
      const html = { parse_mode: 'HTML' as const }
      const cancelled = async (next: BaseContext) => {
        await next.answerCallbackQuery().catch(() => undefined)
        await next.reply(t('owner_broadcast.cancelled'), html)
      }

      await ctx.reply(t('owner_broadcast.ask_text', { max: BROADCAST_MAX_LENGTH }), {
        ...html,
        reply_markup: cancelKeyboard(t),
      })
      let text: string
      for (;;) {
        const next = await conversation.wait()
        const data = next.callbackQuery?.data
        if (data !== undefined) {
          if (broadcastAnswer.decode(data) === 'no') return cancelled(next)
          return conversation.halt({ next: true })
        }
        const typed = next.message?.text
        if (typed !== undefined && typed.startsWith('/')) return conversation.halt({ next: true })
        if (typed !== undefined && typed.trim() !== '' && typed.length <= BROADCAST_MAX_LENGTH) {
          text = typed.trim()
          break
        }
        if (next.message === undefined) return conversation.halt({ next: true })
        await next.reply(t('owner_broadcast.ask_text', { max: BROADCAST_MAX_LENGTH }), html)
      }

      let segment: SegmentKey | undefined =
        segmentData === null ? undefined : segmentButton.decode(segmentData)
      if (segment === undefined) {
        await ctx.reply(t('owner_broadcast.pick_segment'), { ...html, reply_markup: segmentPicker(t) })
        for (;;) {
          const next = await conversation.wait()
          const data = next.callbackQuery?.data
          if (data === undefined) {
            if (next.message?.text?.startsWith('/')) return conversation.halt({ next: true })
            await next.reply(t('owner_broadcast.pick_segment'), html)
            continue
          }
          if (broadcastAnswer.decode(data) === 'no') return cancelled(next)
          segment = segmentButton.decode(data)
          if (segment === undefined) return conversation.halt({ next: true })
          await next.answerCallbackQuery()
          break
        }
      }

      const chosen = segment
      const audience = await conversation.external((outer) => outer.services.broadcast.audience(chosen))
      await ctx.reply(
        t('owner_broadcast.preview_intro', { segment: segmentName(t, chosen), count: audience }),
        html,
      )
      await ctx.reply(broadcastMessage(t, text), html)
      await ctx.reply(t('owner_broadcast.confirm_question'), { ...html, reply_markup: confirmKeyboard(t) })
      for (;;) {
        const next = await conversation.wait()
        const data = next.callbackQuery?.data
        if (data === undefined) {
          if (next.message?.text?.startsWith('/')) return conversation.halt({ next: true })
          await next.reply(t('owner_broadcast.confirm_question'), {
            ...html,
            reply_markup: confirmKeyboard(t),
          })
          continue
        }
        const answer = broadcastAnswer.decode(data)
        if (answer === undefined) return conversation.halt({ next: true })
        if (answer === 'no') return cancelled(next)
        await next.answerCallbackQuery()
        await next.editMessageReplyMarkup().catch(() => undefined)
        break
      }

      const ownerId = ctx.from?.id ?? 0
      const broadcast = await conversation.external((outer) =>
        outer.services.broadcast.start(ownerId, chosen, text, lang).then(({ id, recipients }) => ({
          id,
          total: recipients.length,
        })),
      )
      const progress = await ctx.reply(
        broadcastReportText(t, broadcast.total, {
          pending: broadcast.total,
          deferred: 0,
          sent: 0,
          skipped: 0,
          unreachable: 0,
        }),
        html,
      )
      await conversation.external((outer) =>
        outer.services.broadcast.run(broadcast.id, progress.chat.id, progress.message_id),
      )
    },
    { id: BROADCAST },
  )
}
