import type { MiddlewareFn } from 'grammy'
import type { Context } from '../context.ts'

/**
 * Decides the caller's role on every update, so a removed staff member loses access at once: owners are
 * OWNER_IDS, staff have a current membership, everyone else is a customer. `ctx.desk` says at which
 * outlet staff and owners serve.
 */
export const resolveRole: MiddlewareFn<Context> = async (ctx, next) => {
  const userId = ctx.from?.id
  const isOwner = userId !== undefined && ctx.config.ownerIds.has(userId)
  ctx.desk = userId === undefined ? null : await ctx.services.staffDesk.actorOf(userId, isOwner)
  ctx.role = isOwner ? 'owner' : ctx.desk ? 'staff' : 'customer'
  await next()
}
