import type { MiddlewareFn } from 'grammy'
import type { Context } from '../context.ts'

/**
 * Applies each update at most once: a webhook redelivery or a re-fetch after a restart is dropped.
 * If handling throws past the error boundary, the claim is released so Telegram's retry can succeed.
 */
export const ignoreDuplicates: MiddlewareFn<Context> = async (ctx, next) => {
  const { processedUpdates } = ctx.services
  const botId = ctx.me.id
  const updateId = ctx.update.update_id
  if (!(await processedUpdates.claim(botId, updateId))) {
    ctx.logger.info('duplicate update ignored')
    return
  }
  try {
    await next()
  } catch (error) {
    await processedUpdates.release(botId, updateId).catch(() => undefined)
    throw error
  }
}
