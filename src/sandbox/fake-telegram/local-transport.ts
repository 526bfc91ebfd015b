/**
 * The in-process FakeUser transport used by `tg.user()`: actions call UserActions directly and
 * reads come straight from the live state.
 */
import type { UserTransport } from './client.ts'
import type { World } from './state.ts'
import type { ChatMessage, ChatSnapshot, TapResult, ContactInput, UserProfile } from './types.ts'
import type { UserActions } from './user-actions.ts'
import { chatSnapshot } from './views.ts'

/** A transport bound to one user of an in-process fake. */
export class LocalTransport implements UserTransport {
  private readonly options: { botId?: number }

  constructor(
    private readonly world: World,
    private readonly actions: UserActions,
    readonly profile: UserProfile,
    botId?: number,
  ) {
    this.options = botId !== undefined ? { botId } : {}
  }

  snapshot(): ChatSnapshot | null {
    if (this.world.bots.size === 0) return null
    const bot = this.world.bot(this.options.botId)
    const chat = bot.chats.get(this.profile.id)
    return chat ? chatSnapshot(bot, chat) : null
  }

  async refresh(): Promise<ChatSnapshot | null> {
    return this.snapshot()
  }

  nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.world.events.off('change', listener)
        resolve()
      }
      const listener = (event: { chatId?: number }): void => {
        if (event.chatId === undefined || event.chatId === this.profile.id) done()
      }
      const timer = setTimeout(done, ms)
      this.world.events.on('change', listener)
    })
  }

  send(text: string): Promise<ChatMessage> {
    return this.actions.sendText(this.profile.id, text, this.options)
  }

  contact(contact: ContactInput): Promise<ChatMessage> {
    return this.actions.shareContact(this.profile.id, contact, this.options)
  }

  photo(data: Uint8Array, caption?: string): Promise<ChatMessage> {
    return this.actions.sendPhoto(this.profile.id, Buffer.from(data), caption, this.options)
  }

  document(data: Uint8Array, fileName: string): Promise<ChatMessage> {
    return this.actions.sendDocument(this.profile.id, Buffer.from(data), fileName, this.options)
  }

  tap(label: string): Promise<TapResult> {
    return this.actions.tap(this.profile.id, label, this.options)
  }

  callback(data: string, messageId?: number): Promise<TapResult> {
    return this.actions.callback(
      this.profile.id,
      { data, ...(messageId !== undefined ? { messageId } : {}) },
      this.options,
    )
  }

  openLink(url: string): Promise<TapResult> {
    return this.actions.openLink(this.profile.id, url, this.options)
  }

  setBlocked(blocked: boolean): Promise<void> {
    return this.actions.setBlocked(this.profile.id, blocked, this.options)
  }

  async download(fileId: string): Promise<Buffer> {
    const file = this.world.files.get(fileId)
    if (!file) throw new Error(`Unknown file_id ${fileId}`)
    return Buffer.from(file.data)
  }
}
