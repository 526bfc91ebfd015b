import { GrammyError, HttpError, type BotError } from 'grammy'
import { isDomainError, translationKeyOf } from '../../domain/errors.ts'
import type { Context } from '../context.ts'

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

async function replySafely(ctx: Context, text: string): Promise<void> {
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined)
    if (ctx.chat) await ctx.reply(text)
  } catch (replyError) {
    ctx.logger.warn({ err: replyError }, 'could not tell the user about the failure')
  }
}
