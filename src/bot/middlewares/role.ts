import type { MiddlewareFn } from 'grammy'
import type { Context } from '../context.ts'

/** Decides the caller's role on every update, so a removed staff member loses access at once. */
export const resolveRole: MiddlewareFn<Context> = async (ctx, next) => {
  const userId = ctx.from?.id
  ctx.role = userId !== undefined && ctx.config.ownerIds.has(userId) ? 'owner' : 'customer'
  await next()
}
