/**
 * A strict fake of the Telegram Bot API as a real HTTP server, with a user side (HTTP API,
 * TypeScript client, optional browser page). Point grammY at it with
 * `new Bot(token, { client: { apiRoot: tg.apiRoot } })`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { handleBotApi, runWebhookReply, sendJson } from './bot-api.ts'
import { FakeUser } from './client.ts'
import { ApiError } from './errors.ts'
import { LocalTransport } from './local-transport.ts'
import { World } from './state.ts'
import { handleStaticPage } from './static-page.ts'
import type { ApiCallRecord, NetworkFault, RateLimits, SandboxConfig, UserProfile } from './types.ts'
import { UserActions } from './user-actions.ts'
import { handleUserApi } from './user-api.ts'

export { FakeUser, type MessageMatcher, type UserTransport } from './client.ts'
export { connectUser } from './http-transport.ts'
export { DEFAULT_LIMITS } from './types.ts'
export type * from './types.ts'

/** Options of {@link startFakeTelegram}. */
export interface FakeTelegramOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number
  /** Interface to bind; default 127.0.0.1. */
  host?: string
  /** Flood-control limits; Telegram-like defaults (see DEFAULT_LIMITS). */
  limits?: Partial<RateLimits>
  /** Username of the (first) bot; default 'loyalty_sandbox_bot'. */
  botUsername?: string
  /** Receives one line per notable event (API calls, webhook failures). */
  logger?: (line: string) => void
  /** Serve the browser sandbox at `/` (default false). */
  serveSandboxPage?: boolean
  /** Long polling: quiet period after confirmation before an update counts as handled (default 30 ms). */
  settleMs?: number
  /** How long user actions wait for the bot to finish handling (default 10 000 ms). */
  handleTimeoutMs?: number
  /** First webhook redelivery delay after a non-2xx answer, doubled per attempt (default 1000 ms). */
  webhookRetryMs?: number
  /** Webhook request timeout (default 30 000 ms). */
  webhookTimeoutMs?: number
  /** How long a callback query can be answered (default 15 000 ms). */
  callbackQueryTtlMs?: number
  /** Initial content of /sandbox/api/config. */
  sandboxConfig?: Partial<SandboxConfig>
}

/** A running fake Telegram. */
export interface FakeTelegram {
  /** 'http://127.0.0.1:PORT' — grammY's `client.apiRoot`. */
  apiRoot: string
  /** Base URL of the server (the sandbox page lives at `${url}/`). */
  url: string
  /** Stops the server and releases everyone waiting. */
  stop(): Promise<void>
  /** A user of the chat with the bot (registered on the fly). */
  user(profile: UserProfile, options?: { botId?: number }): FakeUser
  /** Changes the flood-control limits (buckets are refilled). */
  setLimits(limits: Partial<RateLimits>): void
  /** The next `times` (default 1) calls of `method` answer with `error` instead of running. */
  failNext(
    method: string,
    error: { error_code: number; description: string; retry_after?: number },
    times?: number,
  ): void
  /** The next `times` (default 1) calls of `method` meet a broken network (see NetworkFault). */
  disruptNext(method: string, fault: NetworkFault, times?: number): void
  /** Delivers a raw update as is (even an old update_id) and waits until the bot handled it. */
  deliverUpdate(update: unknown): Promise<void>
  /** Every Bot API call so far, in order of arrival, with params and the answer sent. */
  apiCalls(): ApiCallRecord[]
  /** Fills /sandbox/api/config (e.g. the owners' ids for the page's "owner" persona). */
  setSandboxConfig(config: Partial<SandboxConfig>): void
}

/** Starts the fake Telegram server. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const log = options.logger ?? (() => {})
  const world = new World({
    botUsername: options.botUsername ?? 'loyalty_sandbox_bot',
    limits: options.limits ?? {},
    settleMs: options.settleMs ?? 30,
    handleTimeoutMs: options.handleTimeoutMs ?? 10_000,
    callbackQueryTtlMs: options.callbackQueryTtlMs ?? 15_000,
    webhookRetryMs: options.webhookRetryMs ?? 1000,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 30_000,
    log,
  })
  world.config = { ...world.config, ...options.sandboxConfig }
  world.onWebhookReply = (bot, payload) => runWebhookReply(world, bot, payload)
  const actions = new UserActions(world)

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake-telegram')
    try {
      if (await handleBotApi(world, req, res, url)) return
      if (await handleUserApi(world, actions, req, res, url)) return
      if (options.serveSandboxPage && (await handleStaticPage(req, res, url))) return
      sendJson(res, 404, new ApiError(404, 'Not Found').toEnvelope())
    } catch (e) {
      log(`internal error on ${req.method} ${url.pathname}: ${(e as Error).stack ?? e}`)
      if (!res.headersSent) sendJson(res, 500, new ApiError(500, 'Internal Server Error').toEnvelope())
    }
  }
  const server = createServer((req, res) => void route(req, res))
  // Node closes idle keep-alive connections after 5 s; a bot reusing one just then gets a network
  // error for a request the server never saw (and waits out grammY's retry backoff). Telegram keeps
  // them open far longer.
  server.keepAliveTimeout = 75_000
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  log(`fake Telegram listening on ${base}`)

  return {
    apiRoot: base,
    url: base,
    async stop() {
      for (const bot of world.bots.values()) bot.hub.stop()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
    user(profile, userOptions = {}) {
      const registered = world.upsertUser(profile)
      return new FakeUser(new LocalTransport(world, actions, registered, userOptions.botId))
    },
    setLimits(limits) {
      world.setLimits(limits)
    },
    failNext(method, error, times = 1) {
      const params = error.retry_after !== undefined ? { retry_after: error.retry_after } : undefined
      world.failures.set(method.toLowerCase(), {
        error: new ApiError(error.error_code, error.description, params),
        remaining: times,
      })
    },
    disruptNext(method, fault, times = 1) {
      world.faults.set(method.toLowerCase(), { fault, remaining: times })
    },
    async deliverUpdate(update) {
      const bot = world.bot()
      const pending = bot.hub.inject(update as Record<string, unknown>)
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `The bot did not handle the injected update within ${world.options.handleTimeoutMs} ms`,
              ),
            ),
          world.options.handleTimeoutMs,
        )
      })
      await Promise.race([pending.handled, timeout]).finally(() => clearTimeout(timer))
    },
    apiCalls() {
      return world.calls.map((c) => ({ ...c }))
    },
    setSandboxConfig(config) {
      world.config = { ...world.config, ...config }
      world.emitChange({ botId: 0 })
    },
  }
}
