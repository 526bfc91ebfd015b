import type { Transformer } from 'grammy'

/** How fast the bot may talk to Telegram; Telegram's published limits by default. */
export interface PaceOptions {
  /** Messages per second across all chats (Telegram: about 30). */
  globalPerSecond: number
  /** Sustained messages per second to one chat (Telegram: about 1). */
  perChatPerSecond: number
  /** Messages one chat may get at once before the per-chat rate applies (a reply and a photo, say). */
  perChatBurst: number
}

/**
 * Telegram's limits, overall a little under its 30 messages/s: at exactly its rate, calls that
 * reach Telegram a few milliseconds closer together than they left (network and event-loop jitter)
 * met its counter at zero, and a 1 000-member broadcast drew 429s (bench/pacing.ts).
 */
export const TELEGRAM_PACE: PaceOptions = { globalPerSecond: 29, perChatPerSecond: 1, perChatBurst: 3 }

/** Telegram allows about 20 messages a minute into one group. */
const GROUP_PER_SECOND = 20 / 60

/** What the pacer needs of time; tests drive it with fake timers. */
export interface PaceTimer {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
}

const realTimer: PaceTimer = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
}

/**
 * A token bucket with a FIFO of waiters: `capacity` calls at once, refilled at `perSecond`. A call
 * that finds a token and nobody waiting goes on at once, without a timer; the others are let through
 * in order by one timer set for when the next token is due.
 */
class RateGate {
  private tokens: number
  private updated: number
  private readonly waiters: (() => void)[] = []
  private timerSet = false

  constructor(
    private readonly perSecond: number,
    private readonly capacity: number,
    private readonly timer: PaceTimer,
  ) {
    this.tokens = capacity
    this.updated = timer.now()
  }

  /** Resolves when the caller may make one call; undefined when it may go on at once. */
  acquire(): Promise<void> | undefined {
    if (this.waiters.length === 0 && this.take()) return undefined
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve)
      this.schedule()
    })
  }

  /** True when no call is waiting and the bucket is full again: the gate may be forgotten. */
  idle(): boolean {
    this.refill()
    return this.waiters.length === 0 && this.tokens >= this.capacity
  }

  private refill(): void {
    const now = this.timer.now()
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updated) / 1000) * this.perSecond)
    this.updated = now
  }

  private take(): boolean {
    this.refill()
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  private schedule(): void {
    if (this.timerSet) return
    this.timerSet = true
    const wait = Math.max(1, Math.ceil(((1 - this.tokens) / this.perSecond) * 1000))
    this.timer.setTimeout(() => {
      this.timerSet = false
      while (this.waiters.length > 0 && this.take()) this.waiters.shift()!()
      if (this.waiters.length > 0) this.schedule()
    }, wait)
  }
}

/** One chat's lane: its own bucket, and its calls one after another in the order they were made. */
interface ChatLane {
  gate: RateGate
  tail: Promise<unknown>
  pending: number
}

/** Lanes of idle chats are dropped once there are this many, so a broadcast leaves no lasting map. */
const LANES_BEFORE_SWEEP = 1000

/**
 * Paces every call that targets a chat (has `chat_id`) to stay within Telegram's flood limits: one
 * call at a time per chat, `perChatBurst` at once then `perChatPerSecond` per chat (groups also at most
 * 20 a minute), and `globalPerSecond` across all chats. A call within the limits costs no timer, so
 * answering an update is not slowed down; calls over them wait in order. The 429s Telegram may still
 * send (its counters are not ours) are left to the retry transformer.
 */
export function pacer(pace: PaceOptions, timer: PaceTimer = realTimer): Transformer {
  // Half a second's worth at once, not a whole second's: Telegram counts our unpaced calls too
  // (conversation replies), and a full bucket spent at the start of a broadcast left it no room.
  const global = new RateGate(pace.globalPerSecond, Math.max(1, Math.floor(pace.globalPerSecond / 2)), timer)
  const lanes = new Map<string, ChatLane>()

  function laneOf(chatId: string): ChatLane {
    let lane = lanes.get(chatId)
    if (lane) return lane
    if (lanes.size >= LANES_BEFORE_SWEEP) {
      for (const [id, other] of lanes) if (other.pending === 0 && other.gate.idle()) lanes.delete(id)
    }
    const isGroup = chatId.startsWith('-') || chatId.startsWith('@')
    const perSecond = isGroup ? Math.min(GROUP_PER_SECOND, pace.perChatPerSecond) : pace.perChatPerSecond
    lane = { gate: new RateGate(perSecond, pace.perChatBurst, timer), tail: Promise.resolve(), pending: 0 }
    lanes.set(chatId, lane)
    return lane
  }

  return (prev, method, payload, signal) => {
    if (!payload || typeof payload !== 'object' || !('chat_id' in payload))
      return prev(method, payload, signal)
    const lane = laneOf(String(payload.chat_id))
    const call = async () => {
      await lane.gate.acquire()
      await global.acquire()
      return prev(method, payload, signal)
    }
    // The first call of an idle chat starts now; later ones wait for the calls before them to finish.
    const result = lane.pending === 0 ? call() : lane.tail.then(call, call)
    lane.pending++
    lane.tail = result.then(
      () => lane.pending--,
      () => lane.pending--,
    )
    return result
  }
}
