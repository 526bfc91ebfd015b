import { createConversation, type Conversation } from '@grammyjs/conversations'
import { Composer, Keyboard } from 'grammy'
import { isDomainError, translationKeyOf } from '../../domain/errors.ts'
import type { Context, ConversationContext } from '../context.ts'
import { formatDate } from '../i18n/format.ts'
import { formatBirthday, withoutFinalDot } from '../i18n/format-loyalty.ts'
import { mainMenu } from '../keyboards/main-menu.ts'
import { conversationDependencies, type ConversationDependencies } from './dependencies.ts'

/** The id of the birthday change conversation (entered from Settings with the customer id). */
export const CHANGE_BIRTHDAY = 'change-birthday'

/**
 * Settings -> Birthday: asks for the new date until it is valid, or Cancel. The once-a-year rule
 * is checked by the membership service (BIRTHDAY.CHANGE_TOO_SOON). Other commands pass through.
 */
export function createChangeBirthdayFeature(deps: ConversationDependencies): Composer<Context> {
  async function changeBirthday(
    conversation: Conversation<Context, ConversationContext>,
    ctx: ConversationContext,
    customerId: string,
  ) {
    const lang = await conversation.external((outer) => outer.lang)
    const t = deps.i18n.getFixedT(lang)
    const say = (text: string, extra: Parameters<ConversationContext['reply']>[1] = {}) =>
      ctx.reply(text, { parse_mode: 'HTML', ...extra })
    const cancel = t('settings.cancel')
    await say(t('settings.ask_birthday'), { reply_markup: new Keyboard().text(cancel).resized() })
    for (;;) {
      const next = await conversation.wait()
      const text = next.message?.text
      if (next.callbackQuery || text?.startsWith('/')) await conversation.skip({ next: true })
      if (text === cancel) {
        await say(t('settings.birthday_unchanged'), { reply_markup: mainMenu({ t }) })
        return
      }
      if (text === undefined) {
        await say(t('settings.ask_birthday'))
        continue
      }
      const outcome = await conversation.external(async (outer) => {
        try {
          const birthday = await outer.services.membership.setBirthday(customerId, text)
          return { saved: withoutFinalDot(formatBirthday(birthday, lang)) }
        } catch (error) {
          if (!isDomainError(error)) throw error
          const params: Record<string, string | number> = { ...error.params }
          if (error.code === 'BIRTHDAY.CHANGE_TOO_SOON') {
            params.nextChangeAt = withoutFinalDot(
              formatDate(new Date(String(params.nextChangeAt)), lang, deps.config.program.timeZone),
            )
          }
          return {
            refusal: t(translationKeyOf(error.code), params),
            final: error.code !== 'BIRTHDAY.INVALID_DATE',
          }
        }
      })
      if ('saved' in outcome) {
        await say(t('settings.birthday_saved', { date: outcome.saved }), { reply_markup: mainMenu({ t }) })
        return
      }
      await say(outcome.refusal, outcome.final ? { reply_markup: mainMenu({ t }) } : {})
      if (outcome.final) return
    }
  }
  const composer = new Composer<Context>()
  composer.use(
    createConversation<Context, ConversationContext>(changeBirthday, {
      id: CHANGE_BIRTHDAY,
      plugins: [conversationDependencies(deps)],
    }),
  )
  return composer
}
