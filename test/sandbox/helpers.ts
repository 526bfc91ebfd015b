/**
 * Test helpers for the fake Telegram: tokens, a webhook server for a grammY bot, raw Bot API
 * calls, and small images.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { webhookCallback, type Bot } from 'grammy'
import { PNG } from 'pngjs'
import type { FakeTelegram } from '../../src/sandbox/fake-telegram/index.ts'

let counter = 0

/** A syntactically valid, unique bot token. */
export function makeToken(): string {
  counter++
  return `${7_000_000_000 + counter}:AA${randomBytes(24).toString('base64url').slice(0, 33)}`
}

/** A PNG of the given size (solid colour). */
export function png(width = 4, height = 3): Buffer {
  const image = new PNG({ width, height })
  image.data.fill(200)
  return PNG.sync.write(image)
}

/** The Bot API answer envelope. */
export interface Envelope {
  ok: boolean
  result?: unknown
  error_code?: number
  description?: string
  parameters?: { retry_after?: number }
}

/** Calls a Bot API method with a JSON body and returns the HTTP status and envelope. */
export async function call(
  tg: FakeTelegram,
  token: string,
  method: string,
  params: Record<string, unknown> = {},
): Promise<Envelope & { status: number }> {
  const res = await fetch(`${tg.apiRoot}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  })
  return { status: res.status, ...((await res.json()) as Envelope) }
}

/** A running webhook endpoint for a grammY bot. */
export interface WebhookServer {
  url: string
  /** Secret header values seen on each delivery, in order. */
  secrets: (string | undefined)[]
  /** Makes the next `n` deliveries answer 500 before reaching the bot. */
  failNext(n: number): void
  close(): Promise<void>
}

/** Serves `bot` through grammY's webhookCallback on a random port and registers the webhook. */
export async function serveWebhook(bot: Bot, options: { secretToken?: string } = {}): Promise<WebhookServer> {
  const handle = webhookCallback(bot, 'http', options.secretToken ? { secretToken: options.secretToken } : {})
  const secrets: (string | undefined)[] = []
  let failures = 0
  const server: Server = createServer((req, res) => {
    secrets.push(req.headers['x-telegram-bot-api-secret-token'] as string | undefined)
    if (failures > 0) {
      failures--
      res.writeHead(500).end()
      return
    }
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  await bot.api.setWebhook(url, options.secretToken ? { secret_token: options.secretToken } : {})
  return {
    url,
    secrets,
    failNext: (n) => void (failures = n),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
