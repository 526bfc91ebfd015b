import type { MiddlewareFn } from 'grammy'
import type { i18n } from 'i18next'
import type { Logger } from 'pino'
import type { AppConfig } from '../../config/index.ts'
import type { Services } from '../../services.ts'
import type { ConversationContext } from '../context.ts'
import { languageFromTelegram } from '../i18n/index.ts'

/** What a conversation needs from the composition root. */
export interface ConversationDependencies {
  config: AppConfig
  services: Services
  logger: Logger
  i18n: i18n
}

/**
 * A conversation's own context objects did not pass the middleware tree: this plugin gives them the
 * same dependencies. The language here is Telegram's; conversations that care read the user's chosen
 * language from the outside context once (`conversation.external((ctx) => ctx.lang)`).
 */
export function conversationDependencies(deps: ConversationDependencies): MiddlewareFn<ConversationContext> {
  return async (ctx, next) => {
    ctx.config = deps.config
    ctx.services = deps.services
    ctx.logger = deps.logger.child({ updateId: ctx.update.update_id })
    ctx.lang = languageFromTelegram(ctx.from?.language_code)
    ctx.t = deps.i18n.getFixedT(ctx.lang)
    ctx.role = 'customer'
    await next()
  }
}
