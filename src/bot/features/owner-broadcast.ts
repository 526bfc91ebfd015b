import { Composer } from 'grammy'
import type { i18n } from 'i18next'
import { BROADCAST, createBroadcastConversation } from '../conversations/broadcast.ts'
import type { Context } from '../context.ts'
import { segmentButton } from './owner-segments-codec.ts'
import { ownerOnly } from './owner-stats.ts'

/**
 * `/broadcast` and the "broadcast to them" buttons under /segments: both open the broadcast
 * dialog, the button with its segment already chosen. Owners only.
 */
export function createOwnerBroadcastFeature(i18n: i18n): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')
  feature.use(createBroadcastConversation(i18n))

  feature.command('broadcast', ownerOnly, async (ctx) => {
    await ctx.conversation.exit(BROADCAST)
    await ctx.conversation.enter(BROADCAST, null)
  })

  feature.callbackQuery(segmentButton.pattern, ownerOnly, async (ctx) => {
    const data = ctx.callbackQuery.data
    if (segmentButton.decode(data) === undefined) {
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
      return
    }
    await ctx.answerCallbackQuery()
    await ctx.conversation.exit(BROADCAST)
    await ctx.conversation.enter(BROADCAST, data)
  })

  return composer
}
