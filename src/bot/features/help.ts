import { Composer } from 'grammy'
import type { i18n } from 'i18next'
import type { Context } from '../context.ts'
import { mainMenu, menuLabels } from '../keyboards/main-menu.ts'

/** /help and the Help menu button: what the bot can do. */
export function createHelpFeature(i18n: i18n): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')
  const help = async (ctx: Context) => {
    await ctx.reply(ctx.t('help.text'), { reply_markup: mainMenu(ctx) })
  }
  feature.command('help', help)
  feature.hears(
    menuLabels((lang) => i18n.getFixedT(lang), 'menu.help'),
    help,
  )
  return composer
}
