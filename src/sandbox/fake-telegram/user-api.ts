/**
 * The user-side HTTP API under /sandbox/api, used by the sandbox page and by the remote
 * TypeScript client. Answers are `{ ok: true, result }` or `{ ok: false, error }`.
 *
 *   GET  /sandbox/api/config                  { ownerIds, botUsername, bots }
 *   GET  /sandbox/api/users                   personas
 *   POST /sandbox/api/users                   create/update a persona { id?, first_name, role?, ... }
 *   GET  /sandbox/api/users/:id/chat          ChatSnapshot
 *   POST /sandbox/api/users/:id/send          { text }
 *   POST /sandbox/api/users/:id/contact       { phone_number?, first_name?, last_name?, user_id? }
 *   POST /sandbox/api/users/:id/photo         image bytes (or multipart field "photo"); ?caption=
 *   POST /sandbox/api/users/:id/document      file bytes; ?filename=
 *   POST /sandbox/api/users/:id/tap           { text } or { message_id, row, column }
 *   POST /sandbox/api/users/:id/callback      { data, message_id? }   (arbitrary, even forged data)
 *   POST /sandbox/api/users/:id/open-link     { url }                 (t.me deep links)
 *   POST /sandbox/api/users/:id/block | /unblock
 *   GET  /sandbox/api/files/:file_id          file bytes
 *   GET  /sandbox/api/events                  server-sent events: { botId, chatId? } on every change
 *   GET  /sandbox/api/calls?limit=N           recorded Bot API calls
 * Actions answer after the bot finished handling the update. `?bot=<id>` picks a bot.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendJson } from './bot-api.ts'
import { boundaryOf, parseMultipart } from './multipart.ts'
import { readBody } from './params.ts'
import type { World } from './state.ts'
import type { ContactInput, UserProfile } from './types.ts'
import type { UserActions } from './user-actions.ts'
import { chatSnapshot } from './views.ts'

const ID_BASE: Record<string, number> = { customer: 710_000_000, staff: 720_000_000, owner: 730_000_000 }

/** Picks an id for a new persona: owners take a configured owner id first. */
export function nextPersonaId(world: World, role: string | undefined): number {
  if (role === 'owner') {
    const free = world.config.ownerIds.find((id) => !world.users.has(id))
    if (free !== undefined) return free
  }
  let id = (ID_BASE[role ?? 'customer'] ?? 740_000_000) + 1
  while (world.users.has(id)) id++
  return id
}

function profileFrom(body: Record<string, unknown>, world: World): UserProfile {
  const firstName = String(body.first_name ?? body.name ?? '').trim()
  if (!firstName) throw new Error('first_name is required')
  const role = typeof body.role === 'string' ? body.role : undefined
  const id = body.id !== undefined && body.id !== '' ? Number(body.id) : nextPersonaId(world, role)
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error('id must be a positive integer')
  const profile: UserProfile = {
    id,
    first_name: firstName,
    language_code: String(body.language_code ?? 'ru'),
  }
  for (const key of ['last_name', 'username', 'phone_number'] as const) {
    if (typeof body[key] === 'string' && body[key]) profile[key] = body[key]
  }
  if (role) profile.role = role
  return profile
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req)
  if (body.length === 0) return {}
  const parsed = JSON.parse(body.toString('utf8')) as unknown
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {}
}

async function fileBody(req: IncomingMessage): Promise<Buffer> {
  const body = await readBody(req)
  const type = req.headers['content-type'] ?? ''
  if (!type.includes('multipart/form-data')) return body
  const parts = parseMultipart(body, boundaryOf(type) ?? '')
  const file = parts.files.get('photo') ?? parts.files.get('document') ?? [...parts.files.values()][0]
  if (!file) throw new Error('no file in the request')
  return file.data
}

function streamEvents(world: World, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  })
  res.write('retry: 1000\n\n')
  const listener = (event: unknown): void => void res.write(`data: ${JSON.stringify(event)}\n\n`)
  const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000)
  world.events.on('change', listener)
  req.on('close', () => {
    clearInterval(heartbeat)
    world.events.off('change', listener)
  })
}

async function userRoute(
  world: World,
  actions: UserActions,
  req: IncomingMessage,
  userId: number,
  action: string,
  botId: number | undefined,
): Promise<unknown> {
  const opts = botId !== undefined ? { botId } : {}
  const url = new URL(req.url ?? '/', 'http://sandbox')
  if (req.method === 'GET' && action === 'chat') {
    const user = world.users.get(userId)
    if (!user) throw new Error(`Unknown user ${userId}`)
    const bot = world.bot(botId)
    return chatSnapshot(bot, bot.chatWith(user))
  }
  if (req.method !== 'POST') throw new Error(`Unsupported ${req.method} ${action}`)
  switch (action) {
    case 'send':
      return actions.sendText(userId, String((await jsonBody(req)).text ?? ''), opts)
    case 'contact':
      return actions.shareContact(userId, (await jsonBody(req)) as ContactInput, opts)
    case 'photo':
      return actions.sendPhoto(
        userId,
        await fileBody(req),
        url.searchParams.get('caption') ?? undefined,
        opts,
      )
    case 'document':
      return actions.sendDocument(
        userId,
        await fileBody(req),
        url.searchParams.get('filename') ?? 'file.dat',
        opts,
      )
    case 'tap': {
      const body = await jsonBody(req)
      if (typeof body.text === 'string') return actions.tap(userId, body.text, opts)
      return actions.callback(
        userId,
        { messageId: Number(body.message_id), row: Number(body.row), column: Number(body.column) },
        opts,
      )
    }
    case 'callback': {
      const body = await jsonBody(req)
      const messageId = body.message_id !== undefined ? Number(body.message_id) : undefined
      return actions.callback(
        userId,
        { data: String(body.data ?? ''), ...(messageId ? { messageId } : {}) },
        opts,
      )
    }
    case 'open-link':
      return actions.openLink(userId, String((await jsonBody(req)).url ?? ''), opts)
    case 'block':
    case 'unblock':
      await actions.setBlocked(userId, action === 'block', opts)
      return true
    default:
      throw new Error(`Unknown action ${action}`)
  }
}

/** Handles /sandbox/api/*; returns false for other paths. */
export async function handleUserApi(
  world: World,
  actions: UserActions,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (!url.pathname.startsWith('/sandbox/api/')) return false
  const path = url.pathname.slice('/sandbox/api/'.length).split('/').map(decodeURIComponent)
  const botParam = url.searchParams.get('bot')
  const botId = botParam ? Number(botParam) : undefined
  try {
    if (path[0] === 'events') return (streamEvents(world, req, res), true)
    if (path[0] === 'files' && path[1]) {
      const file = world.files.get(path[1])
      if (!file) return (sendJson(res, 404, { ok: false, error: 'file not found' }), true)
      res.writeHead(200, { 'content-type': file.mime_type ?? 'application/octet-stream' })
      res.end(file.data)
      return true
    }
    let result: unknown
    if (path[0] === 'config') {
      const bots = [...world.bots.values()].map((b) => ({
        id: b.id,
        username: b.username,
        mode: b.hub.webhook ? 'webhook' : b.hub.lastPollAt ? 'polling' : 'idle',
      }))
      result = { ...world.config, botUsername: bots[0]?.username ?? world.config.botUsername, bots }
    } else if (path[0] === 'calls') {
      const limit = Number(url.searchParams.get('limit') ?? 200)
      result = world.calls.slice(-limit)
    } else if (path[0] === 'users' && path.length === 1) {
      result =
        req.method === 'POST'
          ? world.upsertUser(profileFrom(await jsonBody(req), world))
          : [...world.users.values()]
    } else if (path[0] === 'users' && path[1] && path[2]) {
      result = await userRoute(world, actions, req, Number(path[1]), path[2], botId)
    } else {
      return (sendJson(res, 404, { ok: false, error: 'Not Found' }), true)
    }
    sendJson(res, 200, { ok: true, result })
  } catch (e) {
    const message = (e as Error).message
    sendJson(res, message.includes('did not finish handling') ? 504 : 400, { ok: false, error: message })
  }
  return true
}
