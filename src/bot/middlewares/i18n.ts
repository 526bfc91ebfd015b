import type { i18n } from 'i18next'
import type { MiddlewareFn } from 'grammy'
import type { Context } from '../context.ts'
import { languageFromTelegram } from '../i18n/index.ts'

/** Chooses the language: the user's explicit choice, else Telegram's language_code; binds `ctx.t` to it. */
export function i18nMiddleware(i18n: i18n): MiddlewareFn<Context> {
  return async (ctx, next) => {
    ctx.lang = ctx.session.language ?? languageFromTelegram(ctx.from?.language_code)
    ctx.t = i18n.getFixedT(ctx.lang)
    await next()
  }
}
