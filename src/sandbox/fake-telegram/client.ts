/**
 * The user-side client: a Telegram user talking to the bot, written to read like a story.
 *
 *   const anna = tg.user({ id: 1001, first_name: 'Анна', language_code: 'ru' })
 *   await anna.send('/start')          // resolves once the bot finished handling the update
 *   expect(anna.lastText()).toContain('Добро пожаловать')
 *   await anna.tap('Баланс')
 *
 * `tg.user()` gives an in-process user whose reads are always current. `connectUser(url, profile)`
 * (http-transport.ts, re-exported by index.ts) talks to a fake running elsewhere over the /sandbox/api HTTP API; its reads come from the
 * snapshot refreshed after every action (call `refresh()` or `waitFor()` for later messages).
 */
import type {
  BotCommand,
  CallbackAnswer,
  ChatMessage,
  ChatSnapshot,
  TapResult,
  ContactInput,
  UserProfile,
} from './types.ts'

/** How a FakeUser reaches the fake Telegram (in-process or over HTTP). */
export interface UserTransport {
  readonly profile: UserProfile
  /** The latest known snapshot (null while no bot is connected). */
  snapshot(): ChatSnapshot | null
  refresh(): Promise<ChatSnapshot | null>
  /** Resolves on the next change of the chat, or after `ms`. */
  nextChange(ms: number): Promise<void>
  send(text: string): Promise<ChatMessage>
  contact(contact: ContactInput): Promise<ChatMessage>
  photo(data: Uint8Array, caption?: string): Promise<ChatMessage>
  document(data: Uint8Array, fileName: string): Promise<ChatMessage>
  tap(label: string): Promise<TapResult>
  callback(data: string, messageId?: number): Promise<TapResult>
  openLink(url: string): Promise<TapResult>
  setBlocked(blocked: boolean): Promise<void>
  download(fileId: string): Promise<Buffer>
}

/** What waitFor looks for: a substring of the text/caption, a pattern, or a predicate. */
export type MessageMatcher = string | RegExp | ((message: ChatMessage) => boolean)

const contentOf = (m: ChatMessage): string | undefined => m.text ?? m.caption

function matches(matcher: MessageMatcher, message: ChatMessage): boolean {
  if (typeof matcher === 'function') return matcher(message)
  const text = contentOf(message) ?? ''
  return typeof matcher === 'string' ? text.includes(matcher) : matcher.test(text)
}

/** A Telegram user in a private chat with the bot. */
export class FakeUser {
  constructor(private readonly transport: UserTransport) {}

  /** The user's id (also the private chat id). */
  get id(): number {
    return this.transport.profile.id
  }

  /** The user's profile. */
  get profile(): UserProfile {
    return { ...this.transport.profile }
  }

  // ---- actions (each resolves when the bot has finished handling the update) ----

  /** Types and sends a text; `/commands` carry bot_command entities. */
  send(text: string): Promise<ChatMessage> {
    return this.transport.send(text)
  }

  /** Presses Start, optionally through a deep link payload (`/start <payload>`). */
  start(payload?: string): Promise<ChatMessage> {
    return this.transport.send(payload ? `/start ${payload}` : '/start')
  }

  /** Shares a contact: own by default; pass `user_id` of someone else to share theirs. */
  shareContact(contact: ContactInput = {}): Promise<ChatMessage> {
    return this.transport.contact(contact)
  }

  /** Sends a photo (PNG/JPEG/GIF/WebP bytes). */
  sendPhoto(data: Uint8Array, options: { caption?: string } = {}): Promise<ChatMessage> {
    return this.transport.photo(data, options.caption)
  }

  /** Sends a file as a document. */
  sendDocument(data: Uint8Array, fileName: string): Promise<ChatMessage> {
    return this.transport.document(data, fileName)
  }

  /**
   * Taps the button labelled `label`: an inline button on the latest bot message that has one,
   * else a reply-keyboard button (a request_contact button shares the user's own contact).
   */
  tap(label: string): Promise<TapResult> {
    return this.transport.tap(label)
  }

  /** Sends a callback query with arbitrary (even forged) data on the last bot message. */
  tapData(data: string, options: { messageId?: number } = {}): Promise<TapResult> {
    return this.transport.callback(data, options.messageId)
  }

  /** Opens a link; `https://t.me/<bot>?start=<payload>` sends `/start <payload>`. */
  openLink(url: string): Promise<TapResult> {
    return this.transport.openLink(url)
  }

  /** Blocks the bot (the bot gets a my_chat_member update; sending to the user then fails with 403). */
  block(): Promise<void> {
    return this.transport.setBlocked(true)
  }

  /** Unblocks the bot. */
  unblock(): Promise<void> {
    return this.transport.setBlocked(false)
  }

  // ---- reads ----

  private snap(): ChatSnapshot | null {
    return this.transport.snapshot()
  }

  /** Every message of the chat, both sides, deleted ones included (flagged). */
  transcript(): ChatMessage[] {
    return this.snap()?.messages ?? []
  }

  /** The bot's messages currently visible (not deleted), oldest first. */
  messages(): ChatMessage[] {
    return this.transcript().filter((m) => m.from_bot && !m.deleted)
  }

  /** The bot's messages that were deleted. */
  deletedMessages(): ChatMessage[] {
    return this.transcript().filter((m) => m.from_bot && m.deleted)
  }

  /** The bot's latest visible message. */
  lastMessage(): ChatMessage | undefined {
    return this.messages().at(-1)
  }

  /** Text (or caption) of the bot's latest visible message. */
  lastText(): string | undefined {
    const last = this.lastMessage()
    return last ? contentOf(last) : undefined
  }

  /** Texts (or captions) of all visible bot messages. */
  texts(): string[] {
    return this.messages().flatMap((m) => contentOf(m) ?? [])
  }

  /** A bookmark: the latest message id in the chat, for messagesSince/textsSince. */
  mark(): number {
    return this.transcript().at(-1)?.message_id ?? 0
  }

  /** Visible bot messages newer than `mark`. */
  messagesSince(mark: number): ChatMessage[] {
    return this.messages().filter((m) => m.message_id > mark)
  }

  /** Texts (or captions) of visible bot messages newer than `mark`. */
  textsSince(mark: number): string[] {
    return this.messagesSince(mark).flatMap((m) => contentOf(m) ?? [])
  }

  /** Labels of the latest inline keyboard. */
  inlineButtons(): string[] {
    const message = [...this.messages()].reverse().find((m) => m.reply_markup)
    return message?.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? []
  }

  /** Labels of the reply keyboard shown under the input. */
  replyButtons(): string[] {
    return (
      this.snap()
        ?.replyKeyboard?.keyboard.flat()
        .map((b) => b.text) ?? []
    )
  }

  /** Labels of the latest inline keyboard followed by those of the reply keyboard. */
  buttons(): string[] {
    return [...this.inlineButtons(), ...this.replyButtons()]
  }

  /** What answerCallbackQuery showed this user, oldest first. */
  callbackAnswers(): CallbackAnswer[] {
    return this.snap()?.callbackAnswers ?? []
  }

  /** Commands the bot's menu shows this user (scope and language resolved). */
  commands(): BotCommand[] {
    return this.snap()?.commands ?? []
  }

  /** Whether this user blocked the bot. */
  isBlocked(): boolean {
    return this.snap()?.blocked ?? false
  }

  /** The chat action (typing, upload_photo, ...) shown right now, if any. */
  chatAction(): string | null {
    return this.snap()?.chatAction ?? null
  }

  /** Bytes of any file the chat shows. */
  download(fileId: string): Promise<Buffer> {
    return this.transport.download(fileId)
  }

  /** Bytes of the largest size of the bot's latest photo. */
  async lastPhoto(): Promise<Buffer> {
    const message = [...this.messages()].reverse().find((m) => m.photo?.length)
    const largest = message?.photo?.at(-1)
    if (!largest) throw new Error(`The bot sent no photo. Texts: ${JSON.stringify(this.texts())}`)
    return this.transport.download(largest.file_id)
  }

  /** Fetches the latest state (only needed for remote users between actions). */
  async refresh(): Promise<void> {
    await this.transport.refresh()
  }

  /**
   * Waits for a visible bot message matching `matcher` (already present or arriving later,
   * e.g. from a scheduled job). `since` restricts the search to messages after a mark.
   */
  async waitFor(
    matcher: MessageMatcher,
    options: { timeoutMs?: number; since?: number } = {},
  ): Promise<ChatMessage> {
    const deadline = Date.now() + (options.timeoutMs ?? 5000)
    const since = options.since ?? 0
    for (;;) {
      await this.transport.refresh()
      const found = this.messages().find((m) => m.message_id > since && matches(matcher, m))
      if (found) return found
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new Error(
          `No bot message matching ${String(matcher)} arrived. Texts: ${JSON.stringify(this.texts())}`,
        )
      }
      await this.transport.nextChange(Math.min(left, 250))
    }
  }
}
