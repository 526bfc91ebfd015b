/**
 * Long-polling "finished handling": after the bot confirmed an update (a later getUpdates with
 * a higher offset), wait until it has no Bot API call in flight and made none for `settleMs`.
 * grammY's built-in polling only confirms after its middleware finished, so confirmation alone
 * is already exact there; the quiet period also covers runners that confirm early.
 */
export class QuietPeriod<T> {
  private waiting: { item: T; done: () => void }[] = []
  private timer: NodeJS.Timeout | null = null
  private inFlight = 0
  private lastActivity = 0

  constructor(private readonly settleMs: number) {}

  /** Calls `done` once the bot is quiet. */
  wait(item: T, done: () => void): void {
    this.waiting.push({ item, done })
    this.schedule()
  }

  /** Items still waiting for quiet. */
  pending(): T[] {
    return this.waiting.map((w) => w.item)
  }

  /** A Bot API call (other than getUpdates) started. */
  callStarted(): void {
    this.inFlight++
    this.lastActivity = Date.now()
  }

  /** A Bot API call finished. */
  callFinished(): void {
    this.inFlight = Math.max(0, this.inFlight - 1)
    this.lastActivity = Date.now()
    if (this.waiting.length > 0) this.schedule()
  }

  private schedule(): void {
    if (this.timer) return
    const wait = Math.max(1, this.settleMs - (Date.now() - this.lastActivity))
    this.timer = setTimeout(() => this.check(), wait)
  }

  private check(): void {
    this.timer = null
    if (this.waiting.length === 0 || this.inFlight > 0) return
    if (Date.now() - this.lastActivity < this.settleMs) return this.schedule()
    const ready = this.waiting
    this.waiting = []
    for (const w of ready) w.done()
  }

  /** Drops everything waiting (the caller releases the items itself). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.waiting = []
  }
}
