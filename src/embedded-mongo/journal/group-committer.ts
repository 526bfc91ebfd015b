/**
 * Group commit: appended frames are queued, and a single flush loop writes everything queued with
 * one writev and one datasync, so concurrent appenders share an fsync. A batch starts as soon as
 * the previous one is durable, never after a fixed delay: what queued during one fsync is the next
 * batch, so batches grow by themselves when appenders are many and a lone appender never waits.
 * Barriers (log switches, close) run in queue order between batches. Acknowledgements follow
 * queue order.
 */

/** Where batches go: writes the frames at the end of the current log and makes them durable (fsync). */
export interface BatchSink {
  writeDurably(frames: Buffer[], bytes: number): Promise<void>
}

type Item =
  | { kind: 'frame'; frame: Buffer; resolve: () => void; reject: (error: Error) => void }
  | { kind: 'barrier'; run: () => Promise<void>; resolve: () => void; reject: (error: Error) => void }

/** Most frames in one batch (Linux IOV_MAX), so a batch is a single writev system call. */
const MAX_BATCH_FRAMES = 1024

/** Batch size above which no more frames are added, in bytes (8 MiB); one larger frame still goes alone. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024

/**
 * The append queue and its single flush loop. Use one per journal: `append` for records,
 * `barrier` for anything that must happen between two writes (switching or closing the log).
 */
export class GroupCommitter {
  private readonly queue: Item[] = []
  private head = 0
  private running = false
  private failure: Error | undefined

  /**
   * @param sink receives batches; an error from it fails the batch and every later item for good
   *   (after a failed write or fsync the file's durable content is unknown).
   */
  constructor(private readonly sink: BatchSink) {}

  /** The error that stopped the committer, if any. */
  get failed(): Error | undefined {
    return this.failure
  }

  /** Queues a frame; resolves once it is durable. */
  append(frame: Buffer): Promise<void> {
    return this.push((resolve, reject) => ({ kind: 'frame', frame, resolve, reject }))
  }

  /** Runs `run` after every earlier item is durable and before any later item is written. */
  barrier(run: () => Promise<void>): Promise<void> {
    return this.push((resolve, reject) => ({ kind: 'barrier', run, resolve, reject }))
  }

  private push(make: (resolve: () => void, reject: (error: Error) => void) => Item): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise<void>((resolve, reject) => {
      this.queue.push(make(resolve, reject))
      if (!this.running) {
        this.running = true
        void this.run()
      }
    })
  }

  private async run(): Promise<void> {
    try {
      // Let the appends made in the current tick join the first batch.
      await new Promise<void>((resolve) => setImmediate(resolve))
      while (this.head < this.queue.length && !this.failure) {
        const item = this.queue[this.head]!
        if (item.kind === 'barrier') {
          this.head++
          try {
            await item.run()
            item.resolve()
          } catch (error) {
            this.fail(error as Error)
            item.reject(error as Error)
          }
        } else {
          await this.flushBatch()
        }
        this.compactQueue()
        // Acknowledged appenders usually append again at once; let those appends join the next batch.
        await new Promise<void>((resolve) => setImmediate(resolve))
      }
    } finally {
      this.running = false
    }
    if (this.head < this.queue.length) this.rejectRest()
  }

  private async flushBatch(): Promise<void> {
    const batch: Extract<Item, { kind: 'frame' }>[] = []
    let bytes = 0
    while (this.head < this.queue.length && batch.length < MAX_BATCH_FRAMES) {
      const item = this.queue[this.head]!
      if (item.kind !== 'frame' || (batch.length > 0 && bytes + item.frame.length > MAX_BATCH_BYTES)) break
      batch.push(item)
      bytes += item.frame.length
      this.head++
    }
    try {
      await this.sink.writeDurably(
        batch.map((item) => item.frame),
        bytes,
      )
    } catch (error) {
      this.fail(error as Error)
      for (const item of batch) item.reject(error as Error)
      return
    }
    for (const item of batch) item.resolve()
  }

  private fail(error: Error): void {
    this.failure ??= error
  }

  /** Rejects everything still queued after a failure. */
  private rejectRest(): void {
    const error = this.failure ?? new Error('journal: group committer stopped')
    while (this.head < this.queue.length) this.queue[this.head++]!.reject(error)
    this.compactQueue()
  }

  /** Drops handled items from the front of the queue once they are a large share of it. */
  private compactQueue(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0
      this.head = 0
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head)
      this.head = 0
    }
  }
}
