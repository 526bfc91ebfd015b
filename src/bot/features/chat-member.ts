import { Composer } from 'grammy'
import type { Context } from '../context.ts'

const composer = new Composer<Context>()

/**
 * Telegram tells the bot when a user blocks or unblocks it. Blocking marks the customer unreachable
 * at once, so jobs and broadcasts skip them without a failed send; unblocking makes them reachable.
 */
composer.chatType('private').on('my_chat_member', async (ctx) => {
  const customer = await ctx.services.customers.findByTelegramId(ctx.from.id)
  if (!customer) return
  const status = ctx.myChatMember.new_chat_member.status
  if (status === 'kicked') await ctx.services.customers.setReachable(customer.id, false)
  else if (status === 'member') await ctx.services.customers.setReachable(customer.id, true)
})

export { composer as chatMemberFeature }
