import { GrammyError, HttpError, type BotError } from 'grammy'
import type { i18n } from 'i18next'
import type { Logger } from 'pino'
import { isDomainError, translationKeyOf } from '../../domain/errors.ts'
import type { Context } from '../context.ts'
import { languageFromTelegram } from '../i18n/index.ts'

/**
 * The error boundary: logs what went wrong (update id, error kind, no personal data) and tells the user,
 * in their language, to try again. The bot keeps serving everyone else.
 */
export async function handleBotError(error: BotError<Context>): Promise<void> {
  const { ctx } = error
  const cause = error.error
  const logger = ctx.logger
  if (isDomainError(cause)) {
    // An expected refusal that a feature did not answer itself: say what was refused, in the user's words.
    logger.info({ code: cause.code }, 'domain refusal reached the boundary')
    await replySafely(ctx, ctx.t(translationKeyOf(cause.code), cause.params))
    return
  }
  if (cause instanceof GrammyError) {
    logger.error(
      { method: cause.method, code: cause.error_code, description: cause.description },
      'Bot API call failed',
    )
  } else if (cause instanceof HttpError) {
    logger.error({ err: cause.error }, 'Bot API unreachable')
  } else {
    logger.error({ err: cause }, 'update failed')
  }
  await replySafely(ctx, ctx.t('errors.generic'))
}

/**
 * For a failure before the features' boundary: the middlewares that claim the update and load the
 * chat's session and role all read the database, so while it is unreachable every update fails
 * there. With long polling nobody delivers such an update again (the runner confirmed it when it
 * fetched it), so the user is told, in Telegram's language (the session is what failed to load),
 * to try again; what they did was not applied, or is applied once (idempotency keys) when repeated.
 * Webhook updates never come here: grammY answers Telegram 500 and Telegram delivers them again.
 */
export function createOutsideBoundaryHandler(deps: {
  i18n: i18n
  logger: Logger
}): (error: BotError<Context>) => Promise<void> {
  return async (error) => {
    const { ctx } = error
    const logger = ctx.logger ?? deps.logger.child({ updateId: ctx.update.update_id })
    logger.error({ err: error.error }, 'update failed outside the boundary')
    const t = ctx.t ?? deps.i18n.getFixedT(languageFromTelegram(ctx.from?.language_code))
    await replySafely(ctx, t('errors.generic'), logger)
  }
}

async function replySafely(ctx: Context, text: string, logger: Logger = ctx.logger): Promise<void> {
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined)
    if (ctx.chat) await ctx.reply(text)
  } catch (replyError) {
    logger.warn({ err: replyError }, 'could not tell the user about the failure')
  }
}
