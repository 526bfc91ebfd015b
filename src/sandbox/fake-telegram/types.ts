/**
 * Shapes shared by the fake Bot API server, its user-side API and the TypeScript client.
 * They mirror the Telegram Bot API objects closely but are loose on purpose: the fake
 * stores what the bot sent and returns it the way Telegram would.
 */

/** Token-bucket limits applied to the bot's sending and editing methods. */
export interface RateLimits {
  /** Sustained messages per second into one chat (Telegram: about 1). */
  perChatPerSecond: number
  /** Messages a chat may receive back to back before the per-chat rate applies. */
  perChatBurst: number
  /** Sustained messages per second across all chats (Telegram: about 30). */
  globalPerSecond: number
  /** Burst allowance across all chats. */
  globalBurst: number
  /** Upper bound for a getUpdates `timeout`, in seconds (Telegram caps long polls too). */
  longPollMaxSeconds?: number
}

/** Telegram-like defaults: 1 msg/s per chat with a burst of 3, 30 msg/s overall. */
export const DEFAULT_LIMITS: Readonly<Required<RateLimits>> = Object.freeze({
  perChatPerSecond: 1,
  perChatBurst: 3,
  globalPerSecond: 30,
  globalBurst: 30,
  longPollMaxSeconds: 50,
})

/** A Telegram user as the fake knows them; `role` is only a label for the sandbox page. */
export interface UserProfile {
  id: number
  first_name: string
  last_name?: string
  username?: string
  language_code?: string
  is_premium?: boolean
  /** Phone number shared by a `request_contact` button; a stable fake number is used when absent. */
  phone_number?: string
  /** Free label shown by the sandbox page, e.g. customer / staff / owner. */
  role?: string
}

/** A Telegram `User` object. */
export interface TgUser {
  id: number
  is_bot: boolean
  first_name: string
  last_name?: string
  username?: string
  language_code?: string
  is_premium?: true
}

/** A Telegram `MessageEntity`. */
export interface Entity {
  type: string
  offset: number
  length: number
  url?: string
  user?: TgUser
  language?: string
  custom_emoji_id?: string
}

/** Text (or caption) after parse_mode / entities were applied. */
export interface FormattedText {
  text: string
  entities?: Entity[]
}

/** A Telegram `PhotoSize`. */
export interface PhotoSize {
  file_id: string
  file_unique_id: string
  width: number
  height: number
  file_size?: number
}

/** A Telegram `Document`. */
export interface TgDocument {
  file_id: string
  file_unique_id: string
  file_name?: string
  mime_type?: string
  file_size?: number
}

/** A Telegram `Contact`. */
export interface TgContact {
  phone_number: string
  first_name: string
  last_name?: string
  user_id?: number
  vcard?: string
}

/** One button of an inline keyboard. */
export interface InlineButton {
  text: string
  callback_data?: string
  url?: string
  [field: string]: unknown
}

/**
 * A contact a user shares. Without `user_id` it is the user's own contact (Telegram adds their
 * id); `user_id: null` is someone who is not on Telegram.
 */
export type ContactInput = Partial<Omit<TgContact, 'user_id'>> & { user_id?: number | null }

/** A Telegram `InlineKeyboardMarkup`. */
export interface InlineKeyboard {
  inline_keyboard: InlineButton[][]
}

/** One button of a reply keyboard (strings are normalised to `{ text }`). */
export interface ReplyButton {
  text: string
  request_contact?: boolean
  request_location?: boolean
  [field: string]: unknown
}

/** A Telegram `ReplyKeyboardMarkup`. */
export interface ReplyKeyboard {
  keyboard: ReplyButton[][]
  is_persistent?: boolean
  resize_keyboard?: boolean
  one_time_keyboard?: boolean
  input_field_placeholder?: string
  selective?: boolean
}

/** An earlier version of an edited message. */
export interface MessageVersion {
  date: number
  text?: string
  entities?: Entity[]
  caption?: string
  caption_entities?: Entity[]
  reply_markup?: InlineKeyboard
}

/** A message of a private chat as the user sees it, including edit and deletion state. */
export interface ChatMessage {
  message_id: number
  date: number
  /** True for messages the bot sent, false for the user's own. */
  from_bot: boolean
  text?: string
  entities?: Entity[]
  caption?: string
  caption_entities?: Entity[]
  photo?: PhotoSize[]
  document?: TgDocument
  contact?: TgContact
  media_group_id?: string
  reply_to_message_id?: number
  /** Inline keyboard attached to the message. */
  reply_markup?: InlineKeyboard
  /** Reply keyboard / removal / force-reply that came with this message (not attached to it). */
  keyboard?: Record<string, unknown>
  edit_date?: number
  edited: boolean
  deleted: boolean
  /** Earlier versions, oldest first. */
  history: MessageVersion[]
}

/** What answerCallbackQuery showed the user. */
export interface CallbackAnswer {
  callback_query_id: string
  data?: string
  message_id?: number
  text?: string
  show_alert: boolean
  url?: string
  date: number
}

/** A bot command as set by setMyCommands. */
export interface BotCommand {
  command: string
  description: string
}

/** Everything a user can see in their chat with the bot. */
export interface ChatSnapshot {
  userId: number
  botId: number
  botUsername: string
  blocked: boolean
  /** Messages of both sides in order, deleted ones included (flagged). */
  messages: ChatMessage[]
  /** The reply keyboard currently shown under the input, if any. */
  replyKeyboard: ReplyKeyboard | null
  /** Placeholder of a pending force_reply, if any. */
  forceReply: { message_id: number; input_field_placeholder?: string } | null
  callbackAnswers: CallbackAnswer[]
  /** A chat action (e.g. typing) sent in the last 5 seconds. */
  chatAction: string | null
  /** Commands the command menu would show to this user (scope and language resolved). */
  commands: BotCommand[]
  menuButton: Record<string, unknown>
}

/** Outcome of tapping a button. */
export type TapResult =
  | { kind: 'callback'; callback_query_id: string; answer?: CallbackAnswer }
  | { kind: 'url'; url: string; message?: ChatMessage }
  | { kind: 'message'; message: ChatMessage }
  | { kind: 'none'; reason: string }

/** One Bot API call the bot made, as recorded by the fake. */
export interface ApiCallRecord {
  /** Milliseconds since epoch when the request arrived. */
  at: number
  botId: number
  method: string
  params: Record<string, unknown>
  /** Uploaded files (multipart), by field name. */
  files: { field: string; filename: string; size: number }[]
  ok: boolean
  /** HTTP status of the answer (Telegram uses the error_code). */
  status: number
  /** The exact JSON envelope sent back. */
  response: unknown
  /** A simulated network fault instead of (or after) the answer: the bot got no answer. */
  disrupted?: NetworkFault['kind']
}

/**
 * A broken network between the bot and the Bot API: `hang` never answers (the bot's request times
 * out), `reset` drops the connection. With `processed` the call takes effect first and only the
 * answer is lost, so the bot cannot tell whether its message went out.
 */
export interface NetworkFault {
  kind: 'hang' | 'reset'
  processed: boolean
}

/** Settings the sandbox page reads from `/sandbox/api/config`. */
export interface SandboxConfig {
  ownerIds: number[]
  botUsername: string
}
