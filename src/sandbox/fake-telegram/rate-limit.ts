/**
 * Token buckets per chat and per bot, like Telegram's flood control: a burst is allowed,
 * then tokens refill at the configured rate. Over the limit the caller gets the whole number
 * of seconds to wait (`retry_after`).
 */
import { DEFAULT_LIMITS, type RateLimits } from './types.ts'

class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst
    this.last = now
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate)
    this.last = now
  }

  /** Seconds until one token is available (0 when one is available now). */
  wait(now: number): number {
    this.refill(now)
    if (this.tokens >= 1) return 0
    if (this.rate <= 0) return 3600
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rate))
  }

  take(): void {
    this.tokens -= 1
  }
}

/** Per-bot flood control over a global bucket and one bucket per chat. */
export class RateLimiter {
  private limits: Required<RateLimits>
  private global: TokenBucket
  private chats = new Map<number, TokenBucket>()

  constructor(
    limits: Partial<RateLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits }
    this.global = new TokenBucket(this.limits.globalPerSecond, this.limits.globalBurst, now())
  }

  /** Replaces the limits and refills every bucket. */
  configure(limits: Partial<RateLimits>): void {
    this.limits = { ...this.limits, ...limits }
    this.global = new TokenBucket(this.limits.globalPerSecond, this.limits.globalBurst, this.now())
    this.chats.clear()
  }

  /** Current limits. */
  get current(): Required<RateLimits> {
    return { ...this.limits }
  }

  /**
   * Takes one token for a message into `chatId`, or returns the seconds to wait without
   * taking anything.
   */
  acquire(chatId: number, cost = 1): number {
    const now = this.now()
    let chat = this.chats.get(chatId)
    if (!chat) {
      chat = new TokenBucket(this.limits.perChatPerSecond, this.limits.perChatBurst, now)
      this.chats.set(chatId, chat)
    }
    const wait = Math.max(chat.wait(now), this.global.wait(now))
    if (wait > 0) return wait
    for (let i = 0; i < cost; i++) {
      chat.take()
      this.global.take()
    }
    return 0
  }
}
