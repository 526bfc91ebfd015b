/**
 * What a Telegram user can do in a private chat with the bot. Each action stores the user's
 * message (if any), creates the update Telegram would send and resolves once the bot has
 * finished handling it (see UpdateHub for what "finished" means in each mode).
 */
import { randomInt } from 'node:crypto'
import { imageSize } from './files.ts'
import type { BotState, ChatState, StoredMessage, World } from './state.ts'
import { unixNow } from './state.ts'
import type {
  ChatMessage,
  ContactInput,
  InlineButton,
  ReplyButton,
  TapResult,
  TgContact,
  UserProfile,
} from './types.ts'
import { botMessage, botUser, chatMessage, privateChat, tgUser } from './views.ts'
import { detectEntities, inlineLabels, parseDeepLink, replyLabels } from './user-helpers.ts'

/** Optional bot selection for an action (the first bot that connected by default). */
export interface ActionOptions {
  botId?: number
}

/** A stable fake phone number for users who did not set one. */
export const defaultPhone = (userId: number): string => `+1555${String(userId).padStart(7, '0').slice(-7)}`

/** User-side operations on the fake Telegram. */
export class UserActions {
  constructor(private readonly world: World) {}

  private context(
    userId: number,
    options: ActionOptions,
  ): { bot: BotState; chat: ChatState; user: UserProfile } {
    const user = this.world.users.get(userId)
    if (!user)
      throw new Error(`Unknown user ${userId}: create it first (tg.user(...) or POST /sandbox/api/users).`)
    const bot = this.world.bot(options.botId)
    return { bot, chat: bot.chatWith(user), user }
  }

  /** Delivers an update and waits until the bot handled it (or the handling timeout passes). */
  private async deliver(bot: BotState, chat: ChatState, body: Record<string, unknown>): Promise<void> {
    const pending = bot.hub.push(body)
    this.world.emitChange({ botId: bot.id, chatId: chat.id })
    const timeoutMs = this.world.options.handleTimeoutMs
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const mode = bot.hub.webhook ? `webhook ${bot.hub.webhook.url}` : 'getUpdates'
        reject(
          new Error(
            `The bot did not finish handling update ${pending.update.update_id} (${pending.type}) within ${timeoutMs} ms (mode: ${mode}). Is the bot running?`,
          ),
        )
      }, timeoutMs)
    })
    try {
      await Promise.race([pending.handled, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  private async postMessage(
    userId: number,
    options: ActionOptions,
    content: Omit<StoredMessage, 'message_id' | 'date' | 'history' | 'deleted' | 'fromBot'>,
  ): Promise<ChatMessage> {
    const { bot, chat } = this.context(userId, options)
    if (chat.blocked) throw new Error(`User ${userId} blocked the bot; call unblock() before writing to it.`)
    const replyTo = chat.forceReply?.message_id
    chat.forceReply = null
    const message = chat.add({
      fromBot: false,
      ...content,
      ...(replyTo !== undefined && chat.find(replyTo) ? { reply_to_message_id: replyTo } : {}),
    })
    await this.deliver(bot, chat, { message: botMessage(bot, chat, message) })
    return chatMessage(message)
  }

  /** Sends a text message; commands get bot_command entities like Telegram produces. */
  async sendText(userId: number, text: string, options: ActionOptions = {}): Promise<ChatMessage> {
    if (text.trim() === '') throw new Error('Telegram does not send empty messages.')
    const entities = detectEntities(text)
    return this.postMessage(userId, options, { text, ...(entities.length ? { entities } : {}) })
  }

  /**
   * Shares a contact: the user's own by default (phone from the profile unless given), someone
   * else's with their `user_id`, or a non-Telegram person's with `user_id: null`.
   */
  shareContact(
    userId: number,
    contact: ContactInput = {},
    options: ActionOptions = {},
  ): Promise<ChatMessage> {
    const { user } = this.context(userId, options)
    const own = contact.user_id === undefined || contact.user_id === userId
    const other = typeof contact.user_id === 'number' ? this.world.users.get(contact.user_id) : undefined
    const base = own ? user : other
    const lastName = contact.last_name ?? base?.last_name
    const shared: TgContact = {
      phone_number:
        contact.phone_number ??
        (own ? (user.phone_number ?? defaultPhone(userId)) : (other?.phone_number ?? '')),
      first_name: contact.first_name ?? base?.first_name ?? 'Contact',
      ...(lastName ? { last_name: lastName } : {}),
      ...(own
        ? { user_id: userId }
        : typeof contact.user_id === 'number'
          ? { user_id: contact.user_id }
          : {}),
      ...(contact.vcard ? { vcard: contact.vcard } : {}),
    }
    if (!shared.phone_number) throw new Error('A shared contact needs a phone_number.')
    return this.postMessage(userId, options, { contact: shared })
  }

  /** Sends a photo (PNG/JPEG/GIF/WebP bytes) with an optional caption. */
  sendPhoto(
    userId: number,
    data: Buffer,
    caption?: string,
    options: ActionOptions = {},
  ): Promise<ChatMessage> {
    if (!imageSize(data)) throw new Error('Only PNG, JPEG, GIF or WebP images can be sent as a photo.')
    const file = this.world.files.add(data, 'photo')
    const photo = this.world.files.photoSizes(file)
    return this.postMessage(userId, options, { photo, ...(caption ? { caption } : {}) })
  }

  /** Sends a file as a document. */
  sendDocument(
    userId: number,
    data: Buffer,
    fileName: string,
    options: ActionOptions = {},
  ): Promise<ChatMessage> {
    const file = this.world.files.add(data, 'document', { file_name: fileName })
    return this.postMessage(userId, options, { document: this.world.files.document(file) })
  }

  /** Presses an inline button (by message/row/column) or sends callback data on a message. */
  async callback(
    userId: number,
    target: { messageId?: number; data?: string; row?: number; column?: number },
    options: ActionOptions = {},
  ): Promise<TapResult> {
    const { bot, chat, user } = this.context(userId, options)
    const message =
      target.messageId !== undefined
        ? chat.find(target.messageId)
        : [...chat.messages].reverse().find((m) => m.fromBot && !m.deleted)
    if (!message) throw new Error(`No message ${target.messageId ?? '(any bot message)'} in the chat.`)
    let data = target.data
    if (target.row !== undefined && target.column !== undefined) {
      const button = message.reply_markup?.inline_keyboard[target.row]?.[target.column]
      if (!button)
        throw new Error(`Message ${message.message_id} has no button at ${target.row}:${target.column}.`)
      return this.pressInline(userId, bot, chat, message, button)
    }
    data ??= ''
    const id = `${BigInt(randomInt(1, 2 ** 47)) * 100000n + BigInt(randomInt(0, 99999))}`
    bot.callbackQueries.set(id, {
      id,
      chatId: chat.id,
      messageId: message.message_id,
      data,
      createdAt: Date.now(),
      answered: false,
    })
    await this.deliver(bot, chat, {
      callback_query: {
        id,
        from: tgUser(user),
        message: botMessage(bot, chat, message),
        chat_instance: String(-(Math.abs(bot.id * 31 + chat.id) % 9e15)),
        data,
      },
    })
    const answer = chat.callbackAnswers.find((a) => a.callback_query_id === id)
    return { kind: 'callback', callback_query_id: id, ...(answer ? { answer: { ...answer } } : {}) }
  }

  private async pressInline(
    userId: number,
    bot: BotState,
    chat: ChatState,
    message: StoredMessage,
    button: InlineButton,
  ): Promise<TapResult> {
    if (button.callback_data !== undefined) {
      return this.callback(
        userId,
        { messageId: message.message_id, data: button.callback_data },
        { botId: bot.id },
      )
    }
    if (button.url !== undefined) return this.openLink(userId, button.url, { botId: bot.id })
    const kind = Object.keys(button).find((k) => k !== 'text') ?? 'unknown'
    return { kind: 'none', reason: `"${button.text}" is a ${kind} button, which the sandbox cannot perform.` }
  }

  private async pressReply(
    userId: number,
    chat: ChatState,
    button: ReplyButton,
    botId: number,
  ): Promise<TapResult> {
    if (chat.replyKeyboard?.markup.one_time_keyboard) chat.replyKeyboard = null
    if (button.request_contact)
      return { kind: 'message', message: await this.shareContact(userId, {}, { botId }) }
    const special = Object.keys(button).find(
      (k) => k !== 'text' && button[k] !== undefined && button[k] !== false,
    )
    if (special)
      return {
        kind: 'none',
        reason: `"${button.text}" is a ${special} button, which the sandbox cannot perform.`,
      }
    return { kind: 'message', message: await this.sendText(userId, button.text, { botId }) }
  }

  /**
   * Taps the button labelled `label`: an inline button of the latest bot message that has one,
   * else a button of the current reply keyboard. Throws listing the available buttons otherwise.
   */
  async tap(userId: number, label: string, options: ActionOptions = {}): Promise<TapResult> {
    const { bot, chat } = this.context(userId, options)
    for (const message of [...chat.messages].reverse()) {
      if (!message.fromBot || message.deleted || !message.reply_markup) continue
      for (const row of message.reply_markup.inline_keyboard) {
        const button = row.find((b) => b.text === label)
        if (button) return this.pressInline(userId, bot, chat, message, button)
      }
    }
    const replyButton = chat.replyKeyboard?.markup.keyboard.flat().find((b) => b.text === label)
    if (replyButton) return this.pressReply(userId, chat, replyButton, bot.id)
    throw new Error(
      `No button "${label}". Inline buttons: ${JSON.stringify(inlineLabels(chat))}; reply keyboard: ${JSON.stringify(replyLabels(chat))}.`,
    )
  }

  /** Opens a t.me / tg://resolve link: a deep link to this bot sends `/start <payload>`. */
  async openLink(userId: number, url: string, options: ActionOptions = {}): Promise<TapResult> {
    const { bot, chat } = this.context(userId, options)
    const link = parseDeepLink(url)
    if (!link || link.username.toLowerCase() !== bot.username.toLowerCase()) return { kind: 'url', url }
    const started = chat.messages.some((m) => !m.fromBot)
    if (link.start === undefined && started) return { kind: 'url', url }
    const text = link.start ? `/start ${link.start}` : '/start'
    return { kind: 'url', url, message: await this.sendText(userId, text, { botId: bot.id }) }
  }

  /** Blocks (or unblocks) the bot: a my_chat_member update like Telegram sends. */
  async setBlocked(userId: number, blocked: boolean, options: ActionOptions = {}): Promise<void> {
    const { bot, chat, user } = this.context(userId, options)
    if (chat.blocked === blocked) return
    chat.blocked = blocked
    const member = (status: string): Record<string, unknown> =>
      status === 'kicked' ? { user: botUser(bot), status, until_date: 0 } : { user: botUser(bot), status }
    await this.deliver(bot, chat, {
      my_chat_member: {
        chat: privateChat(user),
        from: tgUser(user),
        date: unixNow(),
        old_chat_member: member(blocked ? 'member' : 'kicked'),
        new_chat_member: member(blocked ? 'kicked' : 'member'),
      },
    })
  }
}
