import net from 'node:net'
import { Long, ObjectId } from 'bson'
import { CursorStore } from '../commands/cursors.ts'
import type { ServerSettings, ServerState } from '../commands/context.ts'
import { registerAllCommands } from '../commands/index.ts'
import { SessionStore } from '../commands/sessions.ts'
import { openJournal } from '../journal/index.ts'
import type { Journal } from '../journal/index.ts'
import { Engine, WriteUnit } from '../storage/engine.ts'
import { encodeRecords, Replayer } from '../storage/records.ts'
import { snapshotRecords } from '../storage/snapshot.ts'
import { sweepExpired } from '../storage/ttl.ts'
import { Connection } from './connection.ts'
import { ErrorCode, MongoCommandError } from '../errors.ts'

/** Most documents one TTL pass deletes before yielding to other work. */
const TTL_BATCH = 10_000

/** Options of {@link EmbeddedServer.start}; see the package index for the public subset. */
export interface ServerOptions {
  port?: number
  host?: string
  dbpath?: string
  logger?: (line: string) => void
  ttlIntervalMs?: number
  cursorTimeoutMs?: number
  transactionLifetimeMs?: number
  replSetName?: string
  journalCompactThresholdBytes?: number
}

/** A running server: TCP listener, engine, optional journal and background sweeps. */
export class EmbeddedServer {
  private readonly connections = new Set<Connection>()
  private readonly timers: NodeJS.Timeout[] = []
  private nextConnectionId = 1
  private stopResolve: () => void = () => {}
  private stopped = false
  private compacting: Promise<void> | null = null
  /** Set once a journal write failed: memory may be ahead of disk, so writes are refused from then on. */
  private journalFailed = false
  readonly state: ServerState
  port = 0

  private constructor(
    readonly engine: Engine,
    private readonly journal: Journal | null,
    private readonly server: net.Server,
    settings: ServerSettings,
    private readonly logger: (line: string) => void,
  ) {
    const stopping = new Promise<void>((resolve) => (this.stopResolve = resolve))
    const counts = new Map<string, number>()
    this.state = {
      engine,
      cursors: new CursorStore(settings.cursorTimeoutMs),
      sessions: new SessionStore(engine, settings.transactionLifetimeMs),
      settings,
      counts,
      topologyVersion: { processId: new ObjectId(), counter: Long.fromNumber(0) },
      startedAt: new Date(),
      stopping,
      isStopping: () => this.stopped,
      connectionCount: () => this.connections.size,
      log: logger,
      commit: (unit) => this.commit(unit),
      writable: () => !this.journalFailed,
    }
  }

  /** Opens the journal (replaying it), then listens. */
  static async start(options: ServerOptions): Promise<EmbeddedServer> {
    registerAllCommands()
    const logger = options.logger ?? (() => {})
    const engine = new Engine()
    let journal: Journal | null = null
    if (options.dbpath) {
      journal = await openJournal(options.dbpath, {
        logger,
        ...(options.journalCompactThresholdBytes !== undefined
          ? { compactThresholdBytes: options.journalCompactThresholdBytes }
          : {}),
      })
      let records = 0
      const replayer = new Replayer()
      for (const record of journal.replay()) {
        engine.applyOps(replayer.feed(record))
        records++
      }
      if (replayer.incomplete)
        logger('journal ended inside an unacknowledged multi-record write; it was discarded')
      logger(`replayed ${records} journal records from ${options.dbpath}`)
    }
    const settings: ServerSettings = {
      replSetName: options.replSetName ?? 'rs0',
      cursorTimeoutMs: options.cursorTimeoutMs ?? 10 * 60_000,
      transactionLifetimeMs: options.transactionLifetimeMs ?? 60_000,
      ttlIntervalMs: options.ttlIntervalMs ?? 30_000,
    }
    const server = net.createServer()
    const instance = new EmbeddedServer(engine, journal, server, settings, logger)
    server.on('connection', (socket) => instance.accept(socket))
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
          server.off('error', reject)
          resolve()
        })
      })
    } catch (err) {
      await journal?.close()
      throw err
    }
    server.on('error', (err) => logger(`server error: ${err.message}`))
    instance.port = (server.address() as net.AddressInfo).port
    instance.startTimers()
    return instance
  }

  private accept(socket: net.Socket): void {
    if (this.stopped) {
      socket.destroy()
      return
    }
    const conn = new Connection(socket, this.state, this.nextConnectionId++, this.port)
    this.connections.add(conn)
    socket.on('close', () => this.connections.delete(conn))
  }

  private startTimers(): void {
    const every = (ms: number, fn: () => void): void => {
      const t = setInterval(() => {
        try {
          fn()
        } catch (err) {
          this.logger(`background task failed: ${(err as Error).stack ?? String(err)}`)
        }
      }, ms)
      t.unref()
      this.timers.push(t)
    }
    const { settings } = this.state
    every(settings.ttlIntervalMs, () => {
      this.sweepTtl().catch((err: unknown) => this.logger(`TTL sweep failed: ${(err as Error).message}`))
    })
    every(Math.max(50, Math.min(60_000, settings.cursorTimeoutMs / 2)), () => this.state.cursors.sweep())
    every(Math.max(50, Math.min(5_000, settings.transactionLifetimeMs / 2)), () =>
      this.state.sessions.sweep(),
    )
  }

  /** Runs one TTL pass now (also used by tests). */
  sweepTtl(): Promise<number> {
    const unit = new WriteUnit()
    const n = sweepExpired(this.engine, unit, Date.now(), TTL_BATCH)
    // A full batch means more may be expired: continue soon rather than at the next interval.
    if (n >= TTL_BATCH && !this.stopped) {
      setTimeout(() => {
        this.sweepTtl().catch((err: unknown) => this.logger(`TTL sweep failed: ${(err as Error).message}`))
      }, 50).unref()
    }
    return Promise.resolve(this.commit(unit)).then(() => n)
  }

  /**
   * Journals a unit; resolves once durable, or returns null when there is nothing to make durable.
   * Must be called synchronously after the unit's changes.
   */
  commit(unit: WriteUnit): Promise<void> | null {
    if (!this.journal || unit.ops.length === 0) return null
    const records = encodeRecords(unit.ops)
    const appends = records.map((record) => (this.journal as Journal).append(record))
    const all =
      appends.length === 1 ? (appends[0] as Promise<void>) : Promise.all(appends).then(() => undefined)
    const done = all.catch((err: unknown) => {
      if (!this.journalFailed)
        this.logger(`journal write failed, refusing further writes: ${(err as Error).message}`)
      this.journalFailed = true
      throw new MongoCommandError(ErrorCode.InternalError, `journal write failed: ${(err as Error).message}`)
    })
    if (this.journal.shouldCompact && !this.compacting) {
      const started = Date.now()
      const logBytes = this.journal.logBytes
      this.compacting = this.journal
        .compact(snapshotRecords(this.engine))
        .then(() => this.logger(`journal compacted (${logBytes} log bytes) in ${Date.now() - started} ms`))
        .catch((err: unknown) => this.logger(`journal compaction failed: ${(err as Error).message}`))
        .finally(() => (this.compacting = null))
    }
    return done
  }

  /** Stops listening, closes every connection and the journal. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.stopResolve()
    for (const t of this.timers) clearInterval(t)
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const conn of this.connections) conn.close()
    await closed
    this.state.sessions.abortAll()
    await this.compacting
    await this.journal?.close()
  }
}
