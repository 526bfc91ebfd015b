/**
 * getUpdates, setWebhook, deleteWebhook, getWebhookInfo.
 */
import { ApiOk, badRequest } from '../errors.ts'
import type { MethodContext } from './context.ts'

/** getUpdates (long polling; timeout capped by limits.longPollMaxSeconds) */
export async function getUpdates(ctx: MethodContext): Promise<unknown> {
  const { params, bot } = ctx
  const max = bot.limiter.current.longPollMaxSeconds
  const timeout = Math.min(Math.max(params.int('timeout') ?? 0, 0), max)
  return bot.hub.getUpdates(
    {
      offset: params.int('offset'),
      limit: params.int('limit'),
      timeout,
      allowed_updates: params.json('allowed_updates'),
    },
    ctx.signal,
  )
}

/**
 * setWebhook. Telegram demands HTTPS on ports 443/80/88/8443; the fake also accepts plain
 * HTTP and any port, since bots under test listen on localhost. An empty url removes the webhook.
 */
export function setWebhook(ctx: MethodContext): unknown {
  const { params, bot } = ctx
  const url = params.str('url') ?? ''
  const drop = params.bool('drop_pending_updates') ?? false
  if (url === '') {
    const had = bot.hub.deleteWebhook(drop)
    return new ApiOk(true, had ? 'Webhook was deleted' : 'Webhook is already deleted')
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw badRequest('invalid webhook URL specified')
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw badRequest('bad webhook: An HTTPS URL must be provided for webhook')
  }
  const secret = params.str('secret_token')
  if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
    throw badRequest('secret token contains unallowed characters')
  }
  const maxConnections = params.int('max_connections') ?? 40
  if (maxConnections < 1 || maxConnections > 100) throw badRequest('invalid max_connections specified')
  const ip = params.str('ip_address')
  const already = bot.hub.webhook?.url === url && bot.hub.webhook.secret_token === secret
  bot.hub.setWebhook(
    {
      url,
      max_connections: maxConnections,
      ...(secret ? { secret_token: secret } : {}),
      ...(ip ? { ip_address: ip } : {}),
    },
    params.json('allowed_updates'),
    drop,
  )
  ctx.world.emitChange({ botId: bot.id })
  return new ApiOk(true, already ? 'Webhook is already set' : 'Webhook was set')
}

/** deleteWebhook */
export function deleteWebhook(ctx: MethodContext): unknown {
  const had = ctx.bot.hub.deleteWebhook(ctx.params.bool('drop_pending_updates') ?? false)
  ctx.world.emitChange({ botId: ctx.bot.id })
  return new ApiOk(true, had ? 'Webhook was deleted' : 'Webhook is already deleted')
}

/** getWebhookInfo */
export function getWebhookInfo(ctx: MethodContext): unknown {
  return ctx.bot.hub.webhookInfo()
}
