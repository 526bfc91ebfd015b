/**
 * One bot's update queue and its two delivery modes.
 *
 * - Long polling: getUpdates returns queued updates (holding the request up to `timeout`);
 *   an update stays queued until a later getUpdates confirms it with a higher `offset`.
 *   "Handled" = confirmed, then no API call in flight and none for `settleMs`.
 * - Webhook: each update is POSTed to the URL (with X-Telegram-Bot-Api-Secret-Token);
 *   "handled" = the bot's HTTP response arrived. Non-2xx answers are redelivered with backoff.
 */
import { conflict } from './errors.ts'
import { QuietPeriod } from './quiet-period.ts'
import { postUpdate, webhookReplyOf } from './webhook-post.ts'

/** Result of handing one update to the bot. */
export interface Handled {
  ok: boolean
  /** HTTP status of the webhook answer (webhook mode). */
  status?: number
  error?: string
}

/** An update waiting to be fetched, confirmed or delivered. */
export interface PendingUpdate {
  update: { update_id: number; [field: string]: unknown }
  type: string
  /** Injected by deliverUpdate: served regardless of the offset. */
  forced: boolean
  fetched: boolean
  delivering: boolean
  attempts: number
  retryTimer?: NodeJS.Timeout
  handled: Promise<Handled>
  settle: (result: Handled) => void
  settled: boolean
}

/** Webhook settings from setWebhook. */
export interface WebhookConfig {
  url: string
  secret_token?: string
  max_connections: number
  ip_address?: string
}

/** Hub tunables. */
export interface HubOptions {
  settleMs: number
  webhookRetryMs: number
  webhookTimeoutMs: number
  log: (line: string) => void
  onWebhookReply: (payload: Record<string, unknown>) => Promise<void>
}

/** Update types delivered when allowed_updates is empty or unset. */
const DEFAULT_EXCLUDED = new Set(['chat_member', 'message_reaction', 'message_reaction_count'])

interface Poller {
  wake: () => void
  fail: (error: Error) => void
}

/** The update queue of one bot. */
export class UpdateHub {
  private queue: PendingUpdate[] = []
  private nextUpdateId = 100_000_001
  private poller: Poller | null = null
  private allowed: string[] | null = null
  private readonly quiet: QuietPeriod<PendingUpdate>
  private stopped = false
  private lastError: { date: number; message: string } | null = null
  webhook: WebhookConfig | null = null
  /** Whether the bot has ever polled (used by the page to show "online"). */
  lastPollAt = 0

  constructor(private readonly options: HubOptions) {
    this.quiet = new QuietPeriod(options.settleMs)
  }

  /** Queues a new update (dropped, and reported handled, when allowed_updates excludes it). */
  push(body: Record<string, unknown>): PendingUpdate {
    const type = Object.keys(body)[0] ?? 'unknown'
    const pending = this.createPending({ update_id: this.nextUpdateId++, ...body }, type, false)
    if (!this.isAllowed(type)) {
      this.finish(pending, { ok: true, error: `update type ${type} is not in allowed_updates` })
      return pending
    }
    this.enqueue(pending)
    return pending
  }

  /** Queues a raw update as is (duplicate-delivery tests); served even below the offset. */
  inject(update: Record<string, unknown>): PendingUpdate {
    const id = typeof update.update_id === 'number' ? update.update_id : this.nextUpdateId++
    if (id >= this.nextUpdateId) this.nextUpdateId = id + 1
    const type = Object.keys(update).find((k) => k !== 'update_id') ?? 'unknown'
    const pending = this.createPending({ ...update, update_id: id }, type, true)
    this.enqueue(pending)
    return pending
  }

  private createPending(update: PendingUpdate['update'], type: string, forced: boolean): PendingUpdate {
    let settle: (result: Handled) => void = () => {}
    const handled = new Promise<Handled>((resolve) => (settle = resolve))
    return {
      update,
      type,
      forced,
      fetched: false,
      delivering: false,
      attempts: 0,
      handled,
      settle,
      settled: false,
    }
  }

  private enqueue(pending: PendingUpdate): void {
    if (this.stopped) return this.finish(pending, { ok: false, error: 'fake Telegram stopped' })
    this.queue.push(pending)
    if (this.webhook) this.pump()
    else this.poller?.wake()
  }

  private isAllowed(type: string): boolean {
    return this.allowed ? this.allowed.includes(type) : !DEFAULT_EXCLUDED.has(type)
  }

  private finish(pending: PendingUpdate, result: Handled): void {
    if (pending.settled) return
    pending.settled = true
    pending.settle(result)
  }

  /** Number of queued, unconfirmed updates. */
  get pendingCount(): number {
    return this.queue.length
  }

  // ---- long polling -------------------------------------------------------------------

  /** getUpdates: confirm by offset, then answer queued updates or wait up to `timeout` seconds. */
  async getUpdates(
    opts: { offset?: number; limit?: number; timeout?: number; allowed_updates?: unknown },
    signal: AbortSignal,
  ): Promise<unknown[]> {
    if (this.webhook) {
      throw conflict(
        "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      )
    }
    this.lastPollAt = Date.now()
    if (Array.isArray(opts.allowed_updates)) {
      this.allowed = opts.allowed_updates.length > 0 ? opts.allowed_updates.map(String) : null
    }
    const offset = opts.offset ?? 0
    this.confirm(offset)
    this.poller?.fail(
      conflict('terminated by other getUpdates request; make sure that only one bot instance is running'),
    )
    const limit = Math.min(Math.max(opts.limit || 100, 1), 100)
    const ready = (): PendingUpdate[] =>
      this.queue.filter((p) => p.forced || offset <= 0 || p.update.update_id >= offset).slice(0, limit)
    let batch = ready()
    const timeout = opts.timeout ?? 0
    if (batch.length === 0 && timeout > 0 && !signal.aborted && !this.stopped) {
      await new Promise<void>((resolve, reject) => {
        const release = (): void => {
          clearTimeout(timer)
          signal.removeEventListener('abort', done)
          if (this.poller === poller) this.poller = null
        }
        const done = (): void => {
          release()
          resolve()
        }
        const timer = setTimeout(done, timeout * 1000)
        const poller: Poller = {
          wake: done,
          fail: (error) => {
            release()
            reject(error)
          },
        }
        this.poller = poller
        signal.addEventListener('abort', done)
      })
      batch = ready()
    }
    if (signal.aborted) return []
    for (const p of batch) p.fetched = true
    this.lastPollAt = Date.now()
    return batch.map((p) => p.update)
  }

  private confirm(offset: number): void {
    const keep: PendingUpdate[] = []
    const negative = offset < 0 ? this.queue.slice(offset) : null
    for (const p of this.queue) {
      const confirmed = negative
        ? !negative.includes(p)
        : (offset > 0 && p.update.update_id < offset) || (p.forced && p.fetched)
      if (!confirmed) keep.push(p)
      else if (p.fetched) this.quiet.wait(p, () => this.finish(p, { ok: true }))
      else this.finish(p, { ok: true, error: 'dropped by offset before being fetched' })
    }
    this.queue = keep
  }

  /** Marks the start of a bot API call (getUpdates excluded) for the quiet-period check. */
  callStarted(): void {
    this.quiet.callStarted()
  }

  /** Marks the end of a bot API call. */
  callFinished(): void {
    this.quiet.callFinished()
  }

  // ---- webhook ------------------------------------------------------------------------

  /** setWebhook: switches to push delivery; a pending getUpdates is terminated. */
  setWebhook(config: WebhookConfig, allowedUpdates: unknown, dropPending: boolean): void {
    if (dropPending) this.drop()
    if (Array.isArray(allowedUpdates))
      this.allowed = allowedUpdates.length > 0 ? allowedUpdates.map(String) : null
    this.webhook = config
    this.lastError = null
    this.poller?.fail(conflict('terminated by setWebhook request'))
    this.pump()
  }

  /** deleteWebhook: back to getUpdates; returns whether a webhook was set. */
  deleteWebhook(dropPending: boolean): boolean {
    const had = this.webhook !== null
    this.webhook = null
    if (dropPending) this.drop()
    for (const p of this.queue) clearTimeout(p.retryTimer)
    return had
  }

  private drop(): void {
    for (const p of this.queue) {
      clearTimeout(p.retryTimer)
      this.finish(p, { ok: true, error: 'dropped by drop_pending_updates' })
    }
    this.queue = []
  }

  /** The getWebhookInfo object. */
  webhookInfo(): Record<string, unknown> {
    const info: Record<string, unknown> = {
      url: this.webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
    }
    if (this.webhook) {
      info.max_connections = this.webhook.max_connections
      if (this.webhook.ip_address) info.ip_address = this.webhook.ip_address
      if (this.allowed) info.allowed_updates = [...this.allowed]
      if (this.lastError) {
        info.last_error_date = this.lastError.date
        info.last_error_message = this.lastError.message
      }
    }
    return info
  }

  private pump(): void {
    const webhook = this.webhook
    if (!webhook || this.stopped) return
    let busy = this.queue.filter((p) => p.delivering).length
    for (const p of this.queue) {
      if (busy >= webhook.max_connections) break
      if (p.delivering || p.retryTimer) continue
      busy++
      void this.deliver(p, webhook)
    }
  }

  private async deliver(p: PendingUpdate, webhook: WebhookConfig): Promise<void> {
    p.delivering = true
    p.attempts++
    const attempt = await postUpdate(
      webhook.url,
      p.update,
      webhook.secret_token,
      this.options.webhookTimeoutMs,
    )
    p.delivering = false
    if (this.stopped)
      return this.finish(p, { ok: false, status: attempt.status, error: 'fake Telegram stopped' })
    if (!attempt.error) {
      this.queue = this.queue.filter((q) => q !== p)
      const reply = webhookReplyOf(attempt.body)
      if (reply) await this.options.onWebhookReply(reply).catch((e: Error) => this.options.log(e.message))
      this.finish(p, { ok: true, status: attempt.status })
    } else {
      this.lastError = { date: Math.floor(Date.now() / 1000), message: attempt.error }
      this.options.log(
        `webhook delivery of update ${p.update.update_id} failed: ${attempt.error}; will retry`,
      )
      this.finish(p, { ok: false, status: attempt.status, error: attempt.error })
      if (this.webhook && this.queue.includes(p)) {
        const delay = Math.min(this.options.webhookRetryMs * 2 ** (p.attempts - 1), 30_000)
        p.retryTimer = setTimeout(() => {
          p.retryTimer = undefined
          this.pump()
        }, delay)
      }
    }
    this.pump()
  }

  /** Stops timers and releases everyone waiting. */
  stop(): void {
    this.stopped = true
    const settling = this.quiet.pending()
    this.quiet.stop()
    this.poller?.wake()
    for (const p of [...this.queue, ...settling]) {
      clearTimeout(p.retryTimer)
      this.finish(p, { ok: false, error: 'fake Telegram stopped' })
    }
  }
}
