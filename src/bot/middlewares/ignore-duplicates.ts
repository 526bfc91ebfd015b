import type { Context as BaseContext, MiddlewareFn } from 'grammy'
import type { ChatStateStore } from '../../db/session-storage.ts'
import type { Context } from '../context.ts'

/** The key of the chat's state and of its sequence of updates: the chat id. */
export const chatKeyOf = (ctx: BaseContext): string | undefined => ctx.chatId?.toString()

/**
 * Applies each update at most once: a webhook redelivery or a re-fetch after a restart is dropped.
 * An update of a chat is claimed in the chat's state document, which loads the chat's session and
 * conversations with the same round-trip; one without a chat is claimed on its own. If handling
 * throws past the error boundary, the claim is released so Telegram's retry can succeed.
 */
export function ignoreDuplicates(chatState: ChatStateStore): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const key = chatKeyOf(ctx)
    const updateId = ctx.update.update_id
    const { processedUpdates } = ctx.services
    const claims =
      key === undefined
        ? {
            claim: () => processedUpdates.claim(ctx.me.id, updateId),
            release: () => processedUpdates.release(ctx.me.id, updateId),
          }
        : { claim: () => chatState.claim(key, updateId), release: () => chatState.release(key, updateId) }
    if (!(await claims.claim())) {
      ctx.logger.info('duplicate update ignored')
      return
    }
    try {
      await next()
    } catch (error) {
      await claims.release().catch(() => undefined)
      throw error
    }
  }
}
