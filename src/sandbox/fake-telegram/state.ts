/**
 * In-memory state of the fake Telegram: users, bots (one per token), each bot's private chats
 * with their messages, callback queries, commands, files and recorded API calls.
 */
import { EventEmitter } from 'node:events'
import type { ApiError } from './errors.ts'
import { FileStore } from './files.ts'
import { RateLimiter } from './rate-limit.ts'
import type {
  ApiCallRecord,
  BotCommand,
  CallbackAnswer,
  Entity,
  InlineKeyboard,
  MessageVersion,
  NetworkFault,
  PhotoSize,
  RateLimits,
  ReplyKeyboard,
  SandboxConfig,
  TgContact,
  TgDocument,
  UserProfile,
} from './types.ts'
import { UpdateHub, type HubOptions } from './update-hub.ts'

/** A message as stored in a chat. */
export interface StoredMessage {
  message_id: number
  date: number
  fromBot: boolean
  text?: string
  entities?: Entity[]
  caption?: string
  caption_entities?: Entity[]
  photo?: PhotoSize[]
  document?: TgDocument
  contact?: TgContact
  media_group_id?: string
  reply_to_message_id?: number
  reply_markup?: InlineKeyboard
  keyboard?: Record<string, unknown>
  edit_date?: number
  history: MessageVersion[]
  deleted: boolean
}

/** Seconds since epoch, like Telegram's `date` fields. */
export const unixNow = (): number => Math.floor(Date.now() / 1000)

/** The private chat between one user and one bot. */
export class ChatState {
  readonly messages: StoredMessage[] = []
  blocked = false
  replyKeyboard: { markup: ReplyKeyboard; message_id: number } | null = null
  forceReply: { message_id: number; input_field_placeholder?: string } | null = null
  readonly callbackAnswers: CallbackAnswer[] = []
  action: { action: string; at: number } | null = null
  menuButton: Record<string, unknown> | null = null
  private nextMessageId = 1

  constructor(readonly user: UserProfile) {}

  /** The chat id (equal to the user id for private chats). */
  get id(): number {
    return this.user.id
  }

  /** Appends a message with the next message_id. */
  add(message: Omit<StoredMessage, 'message_id' | 'date' | 'history' | 'deleted'>): StoredMessage {
    const stored: StoredMessage = {
      message_id: this.nextMessageId++,
      date: unixNow(),
      history: [],
      deleted: false,
      ...message,
    }
    this.messages.push(stored)
    return stored
  }

  /** A message that exists and was not deleted. */
  find(messageId: number): StoredMessage | undefined {
    return this.messages.find((m) => m.message_id === messageId && !m.deleted)
  }
}

/** A callback query waiting for answerCallbackQuery. */
export interface CallbackRecord {
  id: string
  chatId: number
  messageId?: number
  data?: string
  createdAt: number
  answered: boolean
}

/** Everything the fake keeps for one bot token. */
export class BotState {
  readonly id: number
  readonly chats = new Map<number, ChatState>()
  readonly commands = new Map<string, BotCommand[]>()
  readonly texts = new Map<string, string>()
  readonly callbackQueries = new Map<string, CallbackRecord>()
  defaultMenuButton: Record<string, unknown> = { type: 'commands' }
  readonly limiter: RateLimiter
  readonly hub: UpdateHub

  constructor(
    readonly token: string,
    readonly username: string,
    readonly firstName: string,
    limits: Partial<RateLimits>,
    hubOptions: HubOptions,
  ) {
    this.id = Number(token.split(':')[0])
    this.limiter = new RateLimiter(limits)
    this.hub = new UpdateHub(hubOptions)
  }

  /** The chat with `user`, created on first contact. */
  chatWith(user: UserProfile): ChatState {
    let chat = this.chats.get(user.id)
    if (!chat) {
      chat = new ChatState(user)
      this.chats.set(user.id, chat)
    }
    return chat
  }
}

/** A fault injected with failNext. */
export interface InjectedFailure {
  error: ApiError
  remaining: number
}

/** Tunables of the fake that are not rate limits. */
export interface WorldOptions {
  botUsername: string
  limits: Partial<RateLimits>
  settleMs: number
  handleTimeoutMs: number
  callbackQueryTtlMs: number
  webhookRetryMs: number
  webhookTimeoutMs: number
  log: (line: string) => void
}

/** Change notification for live views (sandbox page, waitFor). */
export interface ChangeEvent {
  botId: number
  chatId?: number
}

/** The whole fake Telegram. */
export class World {
  readonly users = new Map<number, UserProfile>()
  readonly bots = new Map<string, BotState>()
  readonly files = new FileStore()
  readonly calls: ApiCallRecord[] = []
  readonly failures = new Map<string, InjectedFailure>()
  /** Network faults for the next calls of a method (lower-case name). */
  readonly faults = new Map<string, { fault: NetworkFault; remaining: number }>()
  readonly events = new EventEmitter()
  config: SandboxConfig
  private limits: Partial<RateLimits>
  onWebhookReply: (bot: BotState, payload: Record<string, unknown>) => Promise<void> = async () => {}

  constructor(readonly options: WorldOptions) {
    this.limits = { ...options.limits }
    this.config = { ownerIds: [], botUsername: options.botUsername }
    this.events.setMaxListeners(0)
  }

  /** The network fault the next call of `method` meets, if one was injected (counted down). */
  takeFault(method: string): NetworkFault | undefined {
    const key = method.toLowerCase()
    const entry = this.faults.get(key)
    if (!entry) return undefined
    if (--entry.remaining <= 0) this.faults.delete(key)
    return entry.fault
  }

  /** The bot for a (syntactically valid) token, created on its first request. */
  botFor(token: string): BotState {
    let bot = this.bots.get(token)
    if (!bot) {
      const first = this.bots.size === 0
      const username = first ? this.options.botUsername : `${this.options.botUsername}_${this.bots.size + 1}`
      const created: BotState = new BotState(token, username, 'Sandbox Bot', this.limits, {
        settleMs: this.options.settleMs,
        webhookRetryMs: this.options.webhookRetryMs,
        webhookTimeoutMs: this.options.webhookTimeoutMs,
        log: (line) => this.options.log(`[bot ${token.split(':')[0]}] ${line}`),
        onWebhookReply: (payload) => this.onWebhookReply(created, payload),
      })
      bot = created
      this.bots.set(token, bot)
      this.emitChange({ botId: bot.id })
    }
    return bot
  }

  /** The bot users talk to by default: the first one that connected, or the one with `botId`. */
  bot(botId?: number): BotState {
    for (const bot of this.bots.values()) if (botId === undefined || bot.id === botId) return bot
    throw new Error(
      botId === undefined
        ? 'No bot has connected to the fake Telegram yet: start the bot (getMe, setWebhook or getUpdates) first.'
        : `No bot with id ${botId} has connected to the fake Telegram.`,
    )
  }

  /** Registers or updates a user profile. */
  upsertUser(profile: UserProfile): UserProfile {
    const existing = this.users.get(profile.id)
    const merged = existing ? Object.assign(existing, profile) : { ...profile }
    this.users.set(profile.id, merged)
    this.emitChange({ botId: 0 })
    return merged
  }

  /** Applies new rate limits to every bot (and to bots created later). */
  setLimits(limits: Partial<RateLimits>): void {
    this.limits = { ...this.limits, ...limits }
    for (const bot of this.bots.values()) bot.limiter.configure(this.limits)
  }

  /** Announces that something visible changed. */
  emitChange(event: ChangeEvent): void {
    this.events.emit('change', event)
  }
}
