/**
 * Bot identity and settings: getMe, commands, menu button, descriptions and names, getChat,
 * getFile, answerCallbackQuery, logOut/close.
 */
import { badRequest, errors } from '../errors.ts'
import type { BotCommand } from '../types.ts'
import { botUser, commandsKey, privateChat } from '../views.ts'
import { changed, requireChat, type MethodContext } from './context.ts'

const SCOPE_TYPES = new Set([
  'default',
  'all_private_chats',
  'all_group_chats',
  'all_chat_administrators',
  'chat',
  'chat_administrators',
  'chat_member',
])

/** getMe */
export function getMe(ctx: MethodContext): unknown {
  return {
    ...botUser(ctx.bot),
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  }
}

function scopeAndLanguage(ctx: MethodContext): string {
  const scope = ctx.params.json('scope') as Record<string, unknown> | undefined
  if (scope !== undefined) {
    if (typeof scope !== 'object' || scope === null) throw badRequest('Object expected as bot command scope')
    if (typeof scope.type !== 'string' || !SCOPE_TYPES.has(scope.type)) {
      throw badRequest('unsupported bot command scope type specified')
    }
    if (scope.type.startsWith('chat')) {
      if (scope.chat_id === undefined || !ctx.bot.chats.has(Number(scope.chat_id)))
        throw errors.chatNotFound()
    }
  }
  const language = ctx.params.str('language_code') ?? ''
  if (language !== '' && !/^[a-z]{2}$/.test(language)) throw badRequest('invalid language code specified')
  return commandsKey(scope, language)
}

/** setMyCommands: commands are 1–32 of [a-z0-9_], descriptions 1–256 characters, at most 100. */
export function setMyCommands(ctx: MethodContext): unknown {
  const commands = ctx.params.json('commands')
  if (!Array.isArray(commands)) throw badRequest('field "commands" must be of type Array')
  if (commands.length > 100) throw badRequest('too many commands specified')
  const list: BotCommand[] = commands.map((item: unknown) => {
    const c = (item ?? {}) as Record<string, unknown>
    if (c.command === undefined) throw badRequest('can\'t parse BotCommand: Can\'t find field "command"')
    if (c.description === undefined)
      throw badRequest('can\'t parse BotCommand: Can\'t find field "description"')
    const command = String(c.command).replace(/^\//, '')
    if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID')
    const description = String(c.description).trim()
    if (description === '') throw badRequest('command description must be non-empty')
    if (description.length > 256) throw badRequest('command description is too long')
    return { command, description }
  })
  const key = scopeAndLanguage(ctx)
  if (list.length === 0) ctx.bot.commands.delete(key)
  else ctx.bot.commands.set(key, list)
  ctx.world.emitChange({ botId: ctx.bot.id })
  return true
}

/** getMyCommands: exactly what was set for this scope and language. */
export function getMyCommands(ctx: MethodContext): unknown {
  return ctx.bot.commands.get(scopeAndLanguage(ctx)) ?? []
}

/** deleteMyCommands */
export function deleteMyCommands(ctx: MethodContext): unknown {
  ctx.bot.commands.delete(scopeAndLanguage(ctx))
  ctx.world.emitChange({ botId: ctx.bot.id })
  return true
}

/** setChatMenuButton (per chat, or the default when chat_id is absent) */
export function setChatMenuButton(ctx: MethodContext): unknown {
  const button = (ctx.params.json('menu_button') as Record<string, unknown> | undefined) ?? {
    type: 'default',
  }
  if (!['commands', 'web_app', 'default'].includes(String(button.type))) {
    throw badRequest('unsupported menu button type specified')
  }
  if (button.type === 'web_app') {
    const webApp = button.web_app as Record<string, unknown> | undefined
    if (typeof button.text !== 'string' || !button.text)
      throw badRequest('menu button text must be non-empty')
    if (!/^https:\/\//.test(String(webApp?.url ?? ''))) throw badRequest('menu button Web App URL is invalid')
  }
  if (ctx.params.has('chat_id')) {
    const chat = requireChat(ctx)
    chat.menuButton = button
    changed(ctx, chat)
  } else {
    ctx.bot.defaultMenuButton = button.type === 'default' ? { type: 'commands' } : button
    ctx.world.emitChange({ botId: ctx.bot.id })
  }
  return true
}

/** getChatMenuButton */
export function getChatMenuButton(ctx: MethodContext): unknown {
  if (!ctx.params.has('chat_id')) return ctx.bot.defaultMenuButton
  return requireChat(ctx).menuButton ?? ctx.bot.defaultMenuButton
}

/** Builds set/get handlers for a per-language bot text (description, short description, name). */
function botText(field: string, resultKey: string, max: number) {
  const key = (ctx: MethodContext): string => `${field}|${ctx.params.str('language_code') ?? ''}`
  return {
    set(ctx: MethodContext): unknown {
      const value = ctx.params.str(field) ?? ''
      if (value.length > max) throw badRequest(`${field} is too long`)
      if (value === '') ctx.bot.texts.delete(key(ctx))
      else ctx.bot.texts.set(key(ctx), value)
      return true
    },
    get(ctx: MethodContext): unknown {
      return { [resultKey]: ctx.bot.texts.get(key(ctx)) ?? (field === 'name' ? ctx.bot.firstName : '') }
    },
  }
}

/** set/getMyDescription, set/getMyShortDescription, set/getMyName */
export const botTexts = {
  description: botText('description', 'description', 512),
  shortDescription: botText('short_description', 'short_description', 120),
  name: botText('name', 'name', 64),
}

/** getChat (private chats only) */
export function getChat(ctx: MethodContext): unknown {
  const chat = requireChat(ctx)
  return { ...privateChat(chat.user), accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: {} }
}

/** getFile: the file_path serves GET /file/bot<token>/<file_path>. */
export function getFile(ctx: MethodContext): unknown {
  const fileId = ctx.params.str('file_id')
  const file = fileId ? ctx.world.files.get(fileId) : undefined
  if (!fileId || !file) throw errors.invalidFileId()
  const unique = file.sizes?.find((s) => s.file_id === fileId)?.file_unique_id ?? file.file_unique_id
  return { file_id: fileId, file_unique_id: unique, file_size: file.data.length, file_path: file.file_path }
}

/** answerCallbackQuery: once per query, within the query's lifetime; text up to 200 characters. */
export function answerCallbackQuery(ctx: MethodContext): unknown {
  const id = ctx.params.str('callback_query_id') ?? ''
  const query = ctx.bot.callbackQueries.get(id)
  const expired = query && Date.now() - query.createdAt > ctx.world.options.callbackQueryTtlMs
  if (!query || query.answered || expired) throw errors.queryTooOld()
  const text = ctx.params.str('text')
  if (text !== undefined && text.length > 200) throw badRequest('MESSAGE_TOO_LONG')
  query.answered = true
  const chat = ctx.bot.chats.get(query.chatId)
  const url = ctx.params.str('url')
  chat?.callbackAnswers.push({
    callback_query_id: id,
    ...(query.data !== undefined ? { data: query.data } : {}),
    ...(query.messageId !== undefined ? { message_id: query.messageId } : {}),
    ...(text ? { text } : {}),
    show_alert: ctx.params.bool('show_alert') ?? false,
    ...(url ? { url } : {}),
    date: Math.floor(Date.now() / 1000),
  })
  if (chat) changed(ctx, chat)
  return true
}

/** logOut / close: accepted and ignored. */
export const acknowledge = (): unknown => true
