import type { Customer } from '../../db/customers.ts'
import type { Context } from '../context.ts'

/**
 * Wraps a customer handler: runs it with the member behind the update, or tells someone who has
 * not joined (or left with /forget) how to join. Answers a button press either way.
 */
export function forMember<C extends Context>(
  handler: (ctx: C, member: Customer) => Promise<unknown>,
): (ctx: C) => Promise<void> {
  return async (ctx) => {
    const member = ctx.from ? await ctx.services.membership.memberOf(ctx.from.id) : null
    if (member === null) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t('join.not_member') })
      else await ctx.reply(ctx.t('join.not_member'))
      return
    }
    await handler(ctx, member)
  }
}
