/**
 * The bot-facing HTTP surface: `POST|GET /bot<token>/<method>` and
 * `GET /file/bot<token>/<file_path>`. Answers use Telegram's envelope with the HTTP status
 * equal to error_code. Every call is recorded for apiCalls().
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ApiError, ApiOk, notFound, unauthorized } from './errors.ts'
import { METHODS } from './methods/index.ts'
import { Params, parseParams, readBody } from './params.ts'
import type { BotState, World } from './state.ts'
import type { ApiCallRecord, NetworkFault } from './types.ts'

const TOKEN_SHAPE = /^\d+:/
const VALID_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{30,64}$/

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** Checks a token like Telegram: not `<id>:<secret>` → 404, malformed secret → 401. */
export function botForToken(world: World, token: string): BotState {
  if (!TOKEN_SHAPE.test(token)) throw notFound()
  if (!VALID_TOKEN.test(token)) throw unauthorized()
  return world.botFor(token)
}

/**
 * Runs one method call for `bot`: injected failures first, then the handler. Used for HTTP
 * requests and for methods a webhook answer carries in its body.
 */
export async function callMethod(
  world: World,
  bot: BotState,
  method: string,
  params: Params,
  signal: AbortSignal = new AbortController().signal,
): Promise<{ status: number; body: Record<string, unknown>; record: ApiCallRecord }> {
  const key = method.toLowerCase()
  const record: ApiCallRecord = {
    at: Date.now(),
    botId: bot.id,
    method,
    params: params.toRecord(),
    files: [...params.files.values()].map((f) => ({
      field: f.field,
      filename: f.filename,
      size: f.data.length,
    })),
    ok: false,
    status: 0,
    response: undefined,
  }
  world.calls.push(record)
  const tracked = key !== 'getupdates'
  if (tracked) bot.hub.callStarted()
  let status = 200
  let body: Record<string, unknown>
  try {
    const failure = world.failures.get(key)
    if (failure && failure.remaining > 0) {
      failure.remaining--
      if (failure.remaining === 0) world.failures.delete(key)
      throw failure.error
    }
    const handler = METHODS.get(key)
    if (!handler) throw notFound()
    const result = await handler({ world, bot, params, signal })
    body =
      result instanceof ApiOk
        ? {
            ok: true,
            result: result.result,
            ...(result.description ? { description: result.description } : {}),
          }
        : { ok: true, result }
  } catch (e) {
    const error =
      e instanceof ApiError ? e : new ApiError(500, `Internal Server Error: ${(e as Error).message}`)
    status = error.code
    body = error.toEnvelope()
  } finally {
    if (tracked) bot.hub.callFinished()
  }
  record.ok = body.ok === true
  record.status = status
  record.response = body
  if (key !== 'getupdates' || (Array.isArray(body.result) && body.result.length > 0) || !record.ok) {
    world.options.log(`${method} → ${status}${record.ok ? '' : ` ${String(body.description)}`}`)
  }
  return { status, body, record }
}

async function serveFile(world: World, res: ServerResponse, token: string, path: string): Promise<void> {
  botForToken(world, token)
  const file = world.files.getByPath(path)
  if (!file) throw notFound()
  res.writeHead(200, {
    'content-type': file.mime_type ?? 'application/octet-stream',
    'content-length': file.data.length,
  })
  res.end(file.data)
}

/** Handles a request under /bot... or /file/bot...; returns false when the path is not one. */
export async function handleBotApi(
  world: World,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const filePath = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname)
  const methodPath = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname)
  if (!filePath && !methodPath) return false
  try {
    if (filePath) {
      await serveFile(
        world,
        res,
        decodeURIComponent(filePath[1] ?? ''),
        decodeURIComponent(filePath[2] ?? ''),
      )
      return true
    }
    const bot = botForToken(world, decodeURIComponent(methodPath?.[1] ?? ''))
    const method = methodPath?.[2] ?? ''
    const body = await readBody(req)
    const params = parseParams(req.headers['content-type'], body, url.searchParams)
    const abort = new AbortController()
    res.on('close', () => {
      if (!res.writableEnded) abort.abort()
    })
    const fault = world.takeFault(method)
    if (fault && !fault.processed) {
      world.calls.push({
        at: Date.now(),
        botId: bot.id,
        method,
        params: params.toRecord(),
        files: [],
        ok: false,
        status: 0,
        response: undefined,
        disrupted: fault.kind,
      })
      return disrupt(req, fault)
    }
    const answer = await callMethod(world, bot, method, params, abort.signal)
    if (fault) {
      answer.record.disrupted = fault.kind
      return disrupt(req, fault)
    }
    if (!res.destroyed) sendJson(res, answer.status, answer.body)
  } catch (e) {
    const error =
      e instanceof ApiError ? e : new ApiError(500, `Internal Server Error: ${(e as Error).message}`)
    if (!res.headersSent) sendJson(res, error.code, error.toEnvelope())
  }
  return true
}

/** Leaves the request unanswered (`hang`: the bot's timeout ends it) or drops its connection (`reset`). */
function disrupt(req: IncomingMessage, fault: NetworkFault): true {
  if (fault.kind === 'reset') req.socket.destroy()
  return true
}

/** Executes a method carried in a webhook answer (`{ "method": "sendMessage", ... }`). */
export async function runWebhookReply(
  world: World,
  bot: BotState,
  payload: Record<string, unknown>,
): Promise<void> {
  const { method, ...fields } = payload
  await callMethod(world, bot, String(method), new Params(fields))
}
