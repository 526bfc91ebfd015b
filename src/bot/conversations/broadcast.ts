import { createConversation, type Conversation } from '@grammyjs/conversations'
import { InlineKeyboard, type Context as BaseContext } from 'grammy'
import type { i18n, TFunction } from 'i18next'
import { EMPTY_TALLY } from '../../db/broadcasts.ts'
import { LINK_LABEL_MAX, parseLinkButton, type LinkButton } from '../../domain/link-button.ts'
import { LIFECYCLE_STAGES, LOYALTY_TYPES } from '../../domain/segments.ts'
import { BROADCAST_CAPTION_MAX_LENGTH, BROADCAST_MAX_LENGTH } from '../../services/broadcast.ts'
import type { SegmentKey } from '../../services/reports.ts'
import type { Context } from '../context.ts'
import {
  broadcastAnswer,
  broadcastMessage,
  broadcastReportText,
  cancelKeyboard,
  confirmKeyboard,
  linkKeyboard,
  segmentName,
  skipKeyboard,
  stopKeyboard,
  type BroadcastAnswer,
} from '../features/owner-broadcast-views.ts'
import { segmentButton } from '../features/owner-segments-codec.ts'
import { languageOf } from '../i18n/index.ts'

/** The id of the broadcast dialog: `ctx.conversation.enter(BROADCAST, segmentData?)`. */
export const BROADCAST = 'owner-broadcast'

type BroadcastConversation = Conversation<Context, BaseContext>

const html = { parse_mode: 'HTML' as const }

/** Every segment as a picker button, and "everyone". */
function segmentPicker(t: TFunction): InlineKeyboard {
  const keyboard = new InlineKeyboard().text(
    t('owner_broadcast.everyone'),
    segmentButton.encode({ kind: 'all' }),
  )
  keyboard.row()
  for (const stage of LIFECYCLE_STAGES)
    keyboard
      .text(segmentName(t, { kind: 'stage', stage }), segmentButton.encode({ kind: 'stage', stage }))
      .row()
  for (const loyalty of LOYALTY_TYPES)
    keyboard
      .text(segmentName(t, { kind: 'loyalty', loyalty }), segmentButton.encode({ kind: 'loyalty', loyalty }))
      .row()
  return keyboard.text(t('owner_broadcast.cancel'), broadcastAnswer.encode('no'))
}

/** Cancel while composing: says so and ends the dialog; nothing was stored. */
async function cancelled(
  conversation: BroadcastConversation,
  t: TFunction,
  next: BaseContext,
): Promise<never> {
  await next.answerCallbackQuery().catch(() => undefined)
  await next.reply(t('owner_broadcast.cancelled'), html)
  return conversation.halt()
}

/**
 * Waits for the owner's next step. A button of this dialog comes back decoded (Cancel ends the
 * dialog here); a command or any other button leaves the dialog and is handled as usual.
 */
async function nextStep(
  conversation: BroadcastConversation,
  t: TFunction,
): Promise<{ next: BaseContext; answer?: BroadcastAnswer }> {
  const next = await conversation.wait()
  const data = next.callbackQuery?.data
  if (data !== undefined) {
    const answer = broadcastAnswer.decode(data)
    if (answer === undefined) return conversation.halt({ next: true })
    if (answer === 'no') return cancelled(conversation, t, next)
    await next.answerCallbackQuery().catch(() => undefined)
    return { next, answer }
  }
  if (next.message === undefined || next.message.text?.startsWith('/'))
    return conversation.halt({ next: true })
  return { next }
}

/** The text, trimmed, at most {@link BROADCAST_MAX_LENGTH} characters. */
async function askText(conversation: BroadcastConversation, ctx: BaseContext, t: TFunction): Promise<string> {
  const ask = t('owner_broadcast.ask_text', { max: BROADCAST_MAX_LENGTH })
  await ctx.reply(ask, { ...html, reply_markup: cancelKeyboard(t) })
  for (;;) {
    const { next, answer } = await nextStep(conversation, t)
    const typed = next.message?.text?.trim()
    if (answer === undefined && typed && typed.length <= BROADCAST_MAX_LENGTH) return typed
    await next.reply(ask, { ...html, reply_markup: cancelKeyboard(t) })
  }
}

/** A photo's file_id (the largest size), or null for "no photo"; refused when the text cannot be its caption. */
async function askPhoto(
  conversation: BroadcastConversation,
  ctx: BaseContext,
  t: TFunction,
  text: string,
): Promise<string | null> {
  const keyboard = () => ({ ...html, reply_markup: skipKeyboard(t, 'nophoto') })
  await ctx.reply(t('owner_broadcast.ask_photo', { max: BROADCAST_CAPTION_MAX_LENGTH }), keyboard())
  for (;;) {
    const { next, answer } = await nextStep(conversation, t)
    if (answer === 'nophoto') return null
    const sizes = next.message?.photo
    if (answer === undefined && sizes !== undefined && sizes.length > 0) {
      if (text.length <= BROADCAST_CAPTION_MAX_LENGTH) return sizes.at(-1)!.file_id
      await next.reply(
        t('owner_broadcast.photo_text_too_long', { max: BROADCAST_CAPTION_MAX_LENGTH, length: text.length }),
        keyboard(),
      )
      continue
    }
    await next.reply(t('owner_broadcast.ask_photo_again'), keyboard())
  }
}

/** The link button typed as `label | https://...`, or null for "no button"; a wrong one is explained. */
async function askLink(
  conversation: BroadcastConversation,
  ctx: BaseContext,
  t: TFunction,
): Promise<LinkButton | null> {
  const keyboard = () => ({ ...html, reply_markup: skipKeyboard(t, 'nolink') })
  await ctx.reply(t('owner_broadcast.ask_link', { max: LINK_LABEL_MAX }), keyboard())
  for (;;) {
    const { next, answer } = await nextStep(conversation, t)
    if (answer === 'nolink') return null
    const typed = answer === undefined ? next.message?.text : undefined
    const parsed = typed === undefined ? undefined : parseLinkButton(typed)
    if (parsed?.ok) return parsed.button
    const error = parsed?.error ?? 'format'
    await next.reply(t(`owner_broadcast.link_error.${error}`, { max: LINK_LABEL_MAX }), keyboard())
  }
}

/** The segment chosen with the picker. */
async function askSegment(
  conversation: BroadcastConversation,
  ctx: BaseContext,
  t: TFunction,
): Promise<SegmentKey> {
  await ctx.reply(t('owner_broadcast.pick_segment'), { ...html, reply_markup: segmentPicker(t) })
  for (;;) {
    const next = await conversation.wait()
    const data = next.callbackQuery?.data
    if (data === undefined) {
      if (next.message === undefined || next.message.text?.startsWith('/'))
        return conversation.halt({ next: true })
      await next.reply(t('owner_broadcast.pick_segment'), html)
      continue
    }
    if (broadcastAnswer.decode(data) === 'no') return cancelled(conversation, t, next)
    const segment = segmentButton.decode(data)
    if (segment === undefined) return conversation.halt({ next: true })
    await next.answerCallbackQuery()
    return segment
  }
}

/**
 * The owner's broadcast: text -> photo (or none) -> link button (or none) -> segment (unless
 * chosen under /segments) -> a preview exactly as customers will see it -> Send. Sending is the
 * job's (src/jobs/owner-broadcast.ts), through the outbox; its progress message carries Stop.
 * Cancel ends the dialog at any step; a command ends it and is handled as usual.
 */
export function createBroadcastConversation(i18n: i18n) {
  return createConversation<Context, BaseContext>(
    async (conversation: BroadcastConversation, ctx: BaseContext, segmentData: string | null) => {
      const lang = languageOf(await conversation.external((outer) => outer.lang))
      const t = i18n.getFixedT(lang)

      const text = await askText(conversation, ctx, t)
      const photo = await askPhoto(conversation, ctx, t, text)
      const button = await askLink(conversation, ctx, t)
      const preset = segmentData === null ? undefined : segmentButton.decode(segmentData)
      const segment = preset ?? (await askSegment(conversation, ctx, t))

      const audience = await conversation.external((outer) => outer.services.broadcast.audience(segment))
      await ctx.reply(
        t('owner_broadcast.preview_intro', { segment: segmentName(t, segment), count: audience }),
        html,
      )
      const shown = { ...html, ...(button ? { reply_markup: linkKeyboard(button) } : {}) }
      if (photo === null) await ctx.reply(broadcastMessage(t, text), shown)
      else await ctx.replyWithPhoto(photo, { caption: broadcastMessage(t, text), ...shown })
      await ctx.reply(t('owner_broadcast.confirm_question'), { ...html, reply_markup: confirmKeyboard(t) })
      for (;;) {
        const { next, answer } = await nextStep(conversation, t)
        if (answer === 'ok') {
          await next.editMessageReplyMarkup().catch(() => undefined)
          break
        }
        await next.reply(t('owner_broadcast.confirm_question'), { ...html, reply_markup: confirmKeyboard(t) })
      }

      const ownerId = ctx.from?.id ?? 0
      const broadcast = await conversation.external((outer) =>
        outer.services.broadcast
          .start(ownerId, segment, { text, photo, button }, lang)
          .then(({ id, recipients }) => ({ id, total: recipients.length })),
      )
      const progress = await ctx.reply(
        broadcastReportText(t, broadcast.total, { ...EMPTY_TALLY, pending: broadcast.total }),
        { ...html, reply_markup: stopKeyboard(t, broadcast.id) },
      )
      await conversation.external((outer) =>
        outer.services.broadcast.run(broadcast.id, progress.chat.id, progress.message_id),
      )
    },
    { id: BROADCAST },
  )
}
