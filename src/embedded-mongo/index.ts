/**
 * An embedded, MongoDB-compatible database server speaking the wire protocol, so the official
 * driver, mongoose and Agenda work against it unchanged. In memory by default; durable with a
 * `dbpath` (journal + replay). Imports nothing from the application.
 */
import { EmbeddedServer } from './server/embedded-server.ts'

/** Options of {@link startEmbeddedDb}. */
export interface EmbeddedDbOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number
  /** Interface to bind; default 127.0.0.1. */
  host?: string
  /** Directory of the journal; undefined = purely in memory. */
  dbpath?: string
  /** Required to bind a non-loopback interface: the server has no authentication. */
  allowRemote?: boolean
  /** Receives operational log lines. */
  logger?: (line: string) => void
  /** TTL sweep interval in ms (default 30 000). */
  ttlIntervalMs?: number
  /** Idle cursor timeout in ms (default 10 minutes). */
  cursorTimeoutMs?: number
  /** Transactions idle longer than this are aborted, ms (default 60 000). */
  transactionLifetimeMs?: number
  /** Compact the journal once its log exceeds this many bytes (default 64 MiB); for tests. */
  journalCompactThresholdBytes?: number
}

/** A running embedded database. */
export interface EmbeddedDb {
  /** Connection string, e.g. `mongodb://127.0.0.1:PORT/?replicaSet=rs0`. */
  uri: string
  port: number
  stop(): Promise<void>
  /** How many commands of each name were received (for benchmarks). */
  commandCounts(): Record<string, number>
}

/** True for loopback interface names and addresses. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function uriHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return '127.0.0.1'
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}

/** Starts an embedded database server. */
export async function startEmbeddedDb(options: EmbeddedDbOptions = {}): Promise<EmbeddedDb> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopbackHost(host) && options.allowRemote !== true) {
    throw new Error(
      `refusing to bind ${host}: the embedded database has no authentication; pass allowRemote to expose it`,
    )
  }
  const server = await EmbeddedServer.start({ ...options, host })
  const port = server.port
  return {
    uri: `mongodb://${uriHost(host)}:${port}/?replicaSet=${server.state.settings.replSetName}`,
    port,
    stop: () => server.stop(),
    commandCounts: () => Object.fromEntries(server.state.counts),
  }
}
