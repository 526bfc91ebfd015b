/**
 * Conversions from stored state to the JSON Telegram sends: Message objects as the bot sees
 * them (in updates and method results) and ChatMessage / ChatSnapshot as the user sees them.
 */
import type { BotState, ChatState, StoredMessage } from './state.ts'
import type { BotCommand, ChatMessage, ChatSnapshot, TgUser, UserProfile } from './types.ts'

/** The Telegram `User` object of a user profile. */
export function tgUser(profile: UserProfile): TgUser {
  return {
    id: profile.id,
    is_bot: false,
    first_name: profile.first_name,
    ...(profile.last_name ? { last_name: profile.last_name } : {}),
    ...(profile.username ? { username: profile.username } : {}),
    ...(profile.language_code ? { language_code: profile.language_code } : {}),
    ...(profile.is_premium ? { is_premium: true as const } : {}),
  }
}

/** The Telegram `User` object of the bot itself. */
export function botUser(bot: BotState): TgUser {
  return { id: bot.id, is_bot: true, first_name: bot.firstName, username: bot.username }
}

/** The `Chat` object of a private chat. */
export function privateChat(profile: UserProfile): Record<string, unknown> {
  return {
    id: profile.id,
    first_name: profile.first_name,
    ...(profile.last_name ? { last_name: profile.last_name } : {}),
    ...(profile.username ? { username: profile.username } : {}),
    type: 'private',
  }
}

/** A `Message` object as the bot receives it (updates, method results). */
export function botMessage(
  bot: BotState,
  chat: ChatState,
  m: StoredMessage,
  depth = 0,
): Record<string, unknown> {
  const message: Record<string, unknown> = {
    message_id: m.message_id,
    from: m.fromBot ? botUser(bot) : tgUser(chat.user),
    chat: privateChat(chat.user),
    date: m.date,
  }
  if (m.edit_date !== undefined) message.edit_date = m.edit_date
  if (m.reply_to_message_id !== undefined && depth === 0) {
    const target = chat.messages.find((x) => x.message_id === m.reply_to_message_id)
    if (target && !target.deleted) message.reply_to_message = botMessage(bot, chat, target, 1)
  }
  if (m.media_group_id) message.media_group_id = m.media_group_id
  if (m.text !== undefined) message.text = m.text
  if (m.entities?.length) message.entities = m.entities
  if (m.photo) message.photo = m.photo
  if (m.document) message.document = m.document
  if (m.caption !== undefined) message.caption = m.caption
  if (m.caption_entities?.length) message.caption_entities = m.caption_entities
  if (m.contact) message.contact = m.contact
  if (m.reply_markup) message.reply_markup = m.reply_markup
  return message
}

/** A message as the user sees it. */
export function chatMessage(m: StoredMessage): ChatMessage {
  const view: ChatMessage = {
    message_id: m.message_id,
    date: m.date,
    from_bot: m.fromBot,
    edited: m.history.length > 0,
    deleted: m.deleted,
    history: m.history.map((v) => ({ ...v })),
  }
  for (const key of [
    'text',
    'entities',
    'caption',
    'caption_entities',
    'photo',
    'document',
    'contact',
    'media_group_id',
    'reply_to_message_id',
    'reply_markup',
    'keyboard',
    'edit_date',
  ] as const) {
    if (m[key] !== undefined) Object.assign(view, { [key]: structuredClone(m[key]) })
  }
  return view
}

const scopeKey = (scope: Record<string, unknown>, language: string): string =>
  `${JSON.stringify([scope.type ?? 'default', scope.chat_id ?? null, scope.user_id ?? null])}|${language}`

/** Storage key for commands of a scope + language (scope normalised). */
export function commandsKey(
  scope: Record<string, unknown> | undefined,
  language: string | undefined,
): string {
  return scopeKey(scope ?? { type: 'default' }, language ?? '')
}

/** The commands a user's menu shows, resolved like Telegram (chat scope, then private chats, then default). */
export function commandsFor(bot: BotState, chat: ChatState): BotCommand[] {
  const language = chat.user.language_code?.slice(0, 2) ?? ''
  const scopes: Record<string, unknown>[] = [
    { type: 'chat', chat_id: chat.id },
    { type: 'all_private_chats' },
    { type: 'default' },
  ]
  for (const scope of scopes) {
    for (const lang of language ? [language, ''] : ['']) {
      const list = bot.commands.get(scopeKey(scope, lang))
      if (list) return list.map((c) => ({ ...c }))
    }
  }
  return []
}

/** Everything the user can see in the chat. */
export function chatSnapshot(bot: BotState, chat: ChatState): ChatSnapshot {
  const now = Date.now()
  return {
    userId: chat.id,
    botId: bot.id,
    botUsername: bot.username,
    blocked: chat.blocked,
    messages: chat.messages.map(chatMessage),
    replyKeyboard: chat.replyKeyboard ? structuredClone(chat.replyKeyboard.markup) : null,
    forceReply: chat.forceReply ? { ...chat.forceReply } : null,
    callbackAnswers: chat.callbackAnswers.map((a) => ({ ...a })),
    chatAction: chat.action && now - chat.action.at < 5000 ? chat.action.action : null,
    commands: commandsFor(bot, chat),
    menuButton: { ...(chat.menuButton ?? bot.defaultMenuButton) },
  }
}
