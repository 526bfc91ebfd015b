/**
 * What a Bot API method handler receives, and helpers shared by handlers: resolving the
 * target chat, flood control, replies and reply markup.
 */
import { badRequest, errors, tooManyRequests } from '../errors.ts'
import type { Markup } from '../keyboards.ts'
import type { Params } from '../params.ts'
import type { BotState, ChatState, StoredMessage, World } from '../state.ts'

/** Input of a method handler. */
export interface MethodContext {
  world: World
  bot: BotState
  params: Params
  /** Aborted when the HTTP client goes away (long polls use it). */
  signal: AbortSignal
}

/** A Bot API method implementation; throws ApiError for error answers. */
export type MethodHandler = (ctx: MethodContext) => unknown

/**
 * The private chat named by `field`. Unknown ids and @usernames answer "chat not found":
 * a user is reachable only after they wrote to the bot. With `sending`, a user who blocked
 * the bot answers 403.
 */
export function requireChat(
  ctx: MethodContext,
  options: { field?: string; sending?: boolean } = {},
): ChatState {
  const field = options.field ?? 'chat_id'
  const raw = ctx.params.str(field)
  if (raw === undefined || raw.trim() === '') throw errors.chatIdEmpty()
  if (!/^-?\d+$/.test(raw.trim())) throw errors.chatNotFound()
  const chat = ctx.bot.chats.get(Number(raw))
  if (!chat) throw errors.chatNotFound()
  if (options.sending && chat.blocked) throw errors.blocked()
  return chat
}

/** Takes flood-control tokens for a message into `chat`, answering 429 when over the limit. */
export function consumeRate(ctx: MethodContext, chat: ChatState, cost = 1): void {
  const wait = ctx.bot.limiter.acquire(chat.id, cost)
  if (wait > 0) throw tooManyRequests(wait)
}

/** A required message_id parameter. */
export function requireMessageId(ctx: MethodContext, field = 'message_id'): number {
  const id = ctx.params.int(field)
  if (id === undefined) throw badRequest('message identifier is not specified')
  return id
}

/** The message this one replies to (reply_parameters or reply_to_message_id), validated. */
export function resolveReply(ctx: MethodContext, chat: ChatState): number | undefined {
  const parameters = ctx.params.json('reply_parameters') as Record<string, unknown> | undefined
  let messageId: number | undefined
  let allowWithout = ctx.params.bool('allow_sending_without_reply') ?? false
  if (parameters && typeof parameters === 'object') {
    if (parameters.message_id === undefined) throw badRequest('can\'t find field "message_id"')
    messageId = Number(parameters.message_id)
    allowWithout = parameters.allow_sending_without_reply === true
  } else {
    messageId = ctx.params.int('reply_to_message_id')
  }
  if (messageId === undefined) return undefined
  if (chat.find(messageId)) return messageId
  if (allowWithout) return undefined
  throw badRequest('message to be replied not found')
}

/** Applies a validated reply_markup to a freshly sent message and to the chat's keyboard state. */
export function applyMarkup(chat: ChatState, message: StoredMessage, markup: Markup | undefined): void {
  if (!markup) return
  switch (markup.kind) {
    case 'inline':
      if (markup.markup.inline_keyboard.some((row) => row.length > 0)) message.reply_markup = markup.markup
      break
    case 'keyboard':
      message.keyboard = markup.markup as unknown as Record<string, unknown>
      chat.replyKeyboard = { markup: markup.markup, message_id: message.message_id }
      break
    case 'remove':
      message.keyboard = markup.markup
      chat.replyKeyboard = null
      break
    case 'force_reply':
      message.keyboard = markup.markup
      chat.forceReply = {
        message_id: message.message_id,
        ...(markup.markup.input_field_placeholder
          ? { input_field_placeholder: markup.markup.input_field_placeholder }
          : {}),
      }
      break
  }
}

/** Tells live views that a chat changed. */
export function changed(ctx: MethodContext, chat: ChatState): void {
  ctx.world.emitChange({ botId: ctx.bot.id, chatId: chat.id })
}
