import type { i18n } from 'i18next'
import type { Logger } from 'pino'
import type { MiddlewareFn } from 'grammy'
import type { AppConfig } from '../../config/index.ts'
import type { Services } from '../../services.ts'
import type { Context } from '../context.ts'
import { DEFAULT_LANGUAGE } from '../i18n/index.ts'

/** The first middleware: hands every update the configuration, services and a logger tagged with its id. */
export function attachDependencies(deps: {
  config: AppConfig
  services: Services
  logger: Logger
  i18n: i18n
}): MiddlewareFn<Context> {
  return async (ctx, next) => {
    ctx.config = deps.config
    ctx.services = deps.services
    ctx.logger = deps.logger.child({ updateId: ctx.update.update_id })
    // Safe defaults until the i18n and role middlewares decide, so even their failures can be answered.
    ctx.lang = DEFAULT_LANGUAGE
    ctx.t = deps.i18n.getFixedT(DEFAULT_LANGUAGE)
    ctx.role = 'customer'
    ctx.desk = null
    await next()
  }
}
