/**
 * editMessageText, editMessageCaption, editMessageReplyMarkup, deleteMessage, deleteMessages.
 * Like Telegram, an edit without reply_markup removes the inline keyboard, and an edit that
 * changes nothing answers "message is not modified".
 */
import { badRequest, errors } from '../errors.ts'
import { parseInlineMarkup } from '../keyboards.ts'
import { unixNow, type ChatState, type StoredMessage } from '../state.ts'
import { formatCaption, formatMessageText } from '../text-format.ts'
import type { Entity, InlineKeyboard, MessageVersion } from '../types.ts'
import { botMessage } from '../views.ts'
import { changed, consumeRate, requireChat, requireMessageId, type MethodContext } from './context.ts'

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

const nonEmpty = (markup: InlineKeyboard | undefined): InlineKeyboard | undefined =>
  markup && markup.inline_keyboard.some((row) => row.length > 0) ? markup : undefined

function target(ctx: MethodContext): { chat: ChatState; message: StoredMessage } {
  if (ctx.params.has('inline_message_id')) throw badRequest('MESSAGE_ID_INVALID')
  const chat = requireChat(ctx)
  const message = chat.find(requireMessageId(ctx))
  if (!message) throw errors.messageToEditNotFound()
  if (!message.fromBot) throw errors.messageCantBeEdited()
  return { chat, message }
}

function version(m: StoredMessage): MessageVersion {
  const v: MessageVersion = { date: m.edit_date ?? m.date }
  if (m.text !== undefined) v.text = m.text
  if (m.entities) v.entities = m.entities
  if (m.caption !== undefined) v.caption = m.caption
  if (m.caption_entities) v.caption_entities = m.caption_entities
  if (m.reply_markup) v.reply_markup = m.reply_markup
  return v
}

function apply(
  ctx: MethodContext,
  chat: ChatState,
  message: StoredMessage,
  change: { text?: string; entities?: Entity[]; caption?: string | null; caption_entities?: Entity[] },
  markup: InlineKeyboard | undefined,
): unknown {
  consumeRate(ctx, chat)
  message.history.push(version(message))
  if (change.text !== undefined) {
    message.text = change.text
    if (change.entities) message.entities = change.entities
    else delete message.entities
  }
  if (change.caption !== undefined) {
    if (change.caption === null) delete message.caption
    else message.caption = change.caption
    if (change.caption_entities) message.caption_entities = change.caption_entities
    else delete message.caption_entities
  }
  if (markup) message.reply_markup = markup
  else delete message.reply_markup
  message.edit_date = unixNow()
  changed(ctx, chat)
  return botMessage(ctx.bot, chat, message)
}

/** editMessageText */
export function editMessageText(ctx: MethodContext): unknown {
  const { params } = ctx
  const text = params.str('text')
  if (text === undefined || text === '') throw errors.textEmpty()
  const { chat, message } = target(ctx)
  if (message.text === undefined) throw badRequest('there is no text in the message to edit')
  const formatted = formatMessageText(text, params.str('parse_mode'), params.json('entities'))
  const markup = nonEmpty(parseInlineMarkup(params.raw('reply_markup')))
  if (
    formatted.text === message.text &&
    same(formatted.entities, message.entities) &&
    same(markup, message.reply_markup)
  ) {
    throw errors.notModified()
  }
  return apply(ctx, chat, message, { text: formatted.text, entities: formatted.entities }, markup)
}

/** editMessageCaption (an absent caption removes it) */
export function editMessageCaption(ctx: MethodContext): unknown {
  const { params } = ctx
  const { chat, message } = target(ctx)
  if (!message.photo && !message.document) throw badRequest('there is no caption in the message to edit')
  const caption = formatCaption(
    params.str('caption'),
    params.str('parse_mode'),
    params.json('caption_entities'),
  )
  const markup = nonEmpty(parseInlineMarkup(params.raw('reply_markup')))
  if (
    (caption?.text ?? undefined) === message.caption &&
    same(caption?.entities, message.caption_entities) &&
    same(markup, message.reply_markup)
  ) {
    throw errors.notModified()
  }
  return apply(
    ctx,
    chat,
    message,
    { caption: caption ? caption.text : null, caption_entities: caption?.entities },
    markup,
  )
}

/** editMessageReplyMarkup (an absent reply_markup removes the keyboard) */
export function editMessageReplyMarkup(ctx: MethodContext): unknown {
  const { chat, message } = target(ctx)
  const markup = nonEmpty(parseInlineMarkup(ctx.params.raw('reply_markup')))
  if (same(markup, message.reply_markup)) throw errors.notModified()
  return apply(ctx, chat, message, {}, markup)
}

/** deleteMessage (the bot may delete its own and the user's messages in a private chat) */
export function deleteMessage(ctx: MethodContext): unknown {
  const chat = requireChat(ctx)
  const message = chat.find(requireMessageId(ctx))
  if (!message) throw errors.messageToDeleteNotFound()
  message.deleted = true
  changed(ctx, chat)
  return true
}

/** deleteMessages (1–100 ids; missing ones are skipped) */
export function deleteMessages(ctx: MethodContext): unknown {
  const chat = requireChat(ctx)
  const ids = ctx.params.json('message_ids')
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100) {
    throw badRequest('message identifiers are not specified')
  }
  for (const id of ids) {
    const message = chat.find(Number(id))
    if (message) message.deleted = true
  }
  changed(ctx, chat)
  return true
}
