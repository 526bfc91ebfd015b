import { Composer } from 'grammy'
import type { Context } from '../context.ts'
import { mainMenu } from '../keyboards/main-menu.ts'

const composer = new Composer<Context>()

/** Mounted last: a message nobody handled gets a helpful hint and the menu, never silence. */
composer.chatType('private').on('message', async (ctx) => {
  await ctx.reply(ctx.t('unknown.text'), { reply_markup: mainMenu(ctx) })
})

/** A button no feature recognises (forged, or from an old message) is answered, so the spinner stops. */
composer.on('callback_query', async (ctx) => {
  await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
})

export { composer as unknownFeature }
