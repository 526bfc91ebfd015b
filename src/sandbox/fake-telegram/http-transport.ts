/**
 * A FakeUser transport over the /sandbox/api HTTP API, for a fake Telegram running in
 * another process (e.g. `npm start` with the sandbox on).
 */
import { FakeUser, type UserTransport } from './client.ts'
import type { ChatMessage, ChatSnapshot, TapResult, ContactInput, UserProfile } from './types.ts'

class HttpTransport implements UserTransport {
  private latest: ChatSnapshot | null = null

  constructor(
    private readonly baseUrl: string,
    readonly profile: UserProfile,
    private readonly botId?: number,
  ) {}

  private url(path: string, query: Record<string, string> = {}): string {
    const url = new URL(`/sandbox/api/${path}`, this.baseUrl)
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
    if (this.botId !== undefined) url.searchParams.set('bot', String(this.botId))
    return url.href
  }

  private async call<T>(
    path: string,
    init: RequestInit = {},
    query: Record<string, string> = {},
  ): Promise<T> {
    const res = await fetch(this.url(path, query), init)
    const body = (await res.json()) as { ok: boolean; result?: T; error?: string }
    if (!body.ok) throw new Error(body.error ?? `HTTP ${res.status}`)
    return body.result as T
  }

  private async act<T>(action: string, body: unknown, query: Record<string, string> = {}): Promise<T> {
    const init: RequestInit =
      body instanceof Uint8Array
        ? { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } }
        : {
            method: 'POST',
            body: JSON.stringify(body ?? {}),
            headers: { 'content-type': 'application/json' },
          }
    const result = await this.call<T>(`users/${this.profile.id}/${action}`, init, query)
    await this.refresh()
    return result
  }

  /** Registers the persona with the server. */
  async register(): Promise<void> {
    await this.call('users', {
      method: 'POST',
      body: JSON.stringify(this.profile),
      headers: { 'content-type': 'application/json' },
    })
  }

  snapshot(): ChatSnapshot | null {
    return this.latest
  }

  async refresh(): Promise<ChatSnapshot | null> {
    try {
      this.latest = await this.call<ChatSnapshot>(`users/${this.profile.id}/chat`)
    } catch (e) {
      if (!/No bot/.test((e as Error).message)) throw e
    }
    return this.latest
  }

  nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50)))
  }

  send(text: string): Promise<ChatMessage> {
    return this.act('send', { text })
  }

  contact(contact: ContactInput): Promise<ChatMessage> {
    return this.act('contact', contact)
  }

  photo(data: Uint8Array, caption?: string): Promise<ChatMessage> {
    return this.act('photo', data, caption ? { caption } : {})
  }

  document(data: Uint8Array, fileName: string): Promise<ChatMessage> {
    return this.act('document', data, { filename: fileName })
  }

  tap(label: string): Promise<TapResult> {
    return this.act('tap', { text: label })
  }

  callback(data: string, messageId?: number): Promise<TapResult> {
    return this.act('callback', { data, ...(messageId !== undefined ? { message_id: messageId } : {}) })
  }

  openLink(url: string): Promise<TapResult> {
    return this.act('open-link', { url })
  }

  async setBlocked(blocked: boolean): Promise<void> {
    await this.act(blocked ? 'block' : 'unblock', {})
  }

  async download(fileId: string): Promise<Buffer> {
    const res = await fetch(this.url(`files/${encodeURIComponent(fileId)}`))
    if (!res.ok) throw new Error(`file ${fileId}: HTTP ${res.status}`)
    return Buffer.from(await res.arrayBuffer())
  }
}

/**
 * Connects a user to a fake Telegram at `baseUrl` (its `url`), registering the profile.
 * Reads reflect the snapshot taken after the last action or refresh().
 */
export async function connectUser(
  baseUrl: string,
  profile: UserProfile,
  options: { botId?: number } = {},
): Promise<FakeUser> {
  const transport = new HttpTransport(baseUrl, profile, options.botId)
  await transport.register()
  await transport.refresh()
  return new FakeUser(transport)
}
