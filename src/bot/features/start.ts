import { Composer } from 'grammy'
import type { Context } from '../context.ts'
import { mainMenu } from '../keyboards/main-menu.ts'

const composer = new Composer<Context>()
const feature = composer.chatType('private')

/** /start: a localized welcome that says what the program gives, with the main menu. */
feature.command('start', async (ctx) => {
  await ctx.reply(ctx.t('start.welcome', { name: ctx.from.first_name, shop: ctx.config.program.shopName }), {
    reply_markup: mainMenu(ctx),
  })
})

export { composer as startFeature }
