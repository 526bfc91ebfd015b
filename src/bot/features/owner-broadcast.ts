import { Composer } from 'grammy'
import { BROADCAST } from '../conversations/broadcast.ts'
import type { Context } from '../context.ts'
import { broadcastStop } from './owner-broadcast-views.ts'
import { segmentButton } from './owner-segments-codec.ts'
import { ownerOnly } from './owner-stats.ts'

/**
 * `/broadcast` and the "broadcast to them" buttons under /segments: both open the broadcast
 * dialog, the button with its segment already chosen. Stop under a running broadcast's progress
 * withdraws the messages still waiting. Owners only: a forged or replayed Stop from anyone else
 * is refused like any owner button.
 */
export function createOwnerBroadcastFeature(): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')

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

  feature.callbackQuery(broadcastStop.pattern, ownerOnly, async (ctx) => {
    const id = broadcastStop.decode(ctx.callbackQuery.data)
    const outcome = id === undefined ? 'unknown' : await ctx.services.broadcast.cancel(id)
    if (outcome === 'unknown') {
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
      return
    }
    await ctx.answerCallbackQuery({ text: ctx.t(`owner_broadcast.stop_answer.${outcome}`) })
    // Nothing left to stop: the button goes (a stopped broadcast's report replaces it anyway).
    if (outcome === 'finished') await ctx.editMessageReplyMarkup().catch(() => undefined)
  })

  return composer
}
