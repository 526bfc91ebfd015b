import { Composer, InlineKeyboard } from 'grammy'
import type { i18n } from 'i18next'
import { callbackCodec } from '../callback-data.ts'
import type { Context } from '../context.ts'
import { isLanguage, LANGUAGES, type Language } from '../i18n/index.ts'
import { mainMenu, menuLabels } from '../keyboards/main-menu.ts'

/** The language buttons' codec; Settings offers the same buttons. */
export const pickLanguage = callbackCodec<Language>('lang', 1, {
  encode: (lang) => [lang],
  decode: ([lang]) => (isLanguage(lang) ? lang : undefined),
})

/** /language and the Language menu button: choose Russian or English; the choice persists in the session. */
export function createLanguageFeature(i18n: i18n): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')

  const offer = async (ctx: Context) => {
    const keyboard = new InlineKeyboard()
    for (const lang of LANGUAGES)
      keyboard.text(i18n.getFixedT(lang)('language.name'), pickLanguage.encode(lang))
    await ctx.reply(ctx.t('language.choose'), { reply_markup: keyboard })
  }
  feature.command('language', offer)
  feature.hears(
    menuLabels((lang) => i18n.getFixedT(lang), 'menu.language'),
    offer,
  )

  feature.callbackQuery(pickLanguage.pattern, async (ctx) => {
    const lang = pickLanguage.decode(ctx.callbackQuery.data)
    if (!lang) {
      await ctx.answerCallbackQuery(ctx.t('errors.stale_button'))
      return
    }
    ctx.session.language = lang
    await ctx.services.membership.setLanguage(ctx.from.id, lang)
    ctx.lang = lang
    ctx.t = i18n.getFixedT(lang)
    await ctx.answerCallbackQuery()
    await ctx.editMessageReplyMarkup().catch(() => undefined)
    await ctx.reply(ctx.t('language.changed'), { reply_markup: mainMenu(ctx) })
  })
  return composer
}
