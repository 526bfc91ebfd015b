import { createConversation, type Conversation } from '@grammyjs/conversations'
import { InlineKeyboard, type Context as BaseContext } from 'grammy'
import type { i18n } from 'i18next'
import type { NpsCategory } from '../../domain/nps.ts'
import { followUpKey } from '../../domain/nps.ts'
import type { Context } from '../context.ts'
import { completeAlerts, type NpsMessageDeps } from '../features/nps-messages.ts'
import { npsSkipButton } from '../features/nps-views.ts'
import { inviteLink } from '../features/invite.ts'
import { languageOf } from '../i18n/index.ts'

/** The id the score button enters with: `ctx.conversation.enter(NPS_WHY, ref, category)`. */
export const NPS_WHY = 'nps-why'

type WhyConversation = Conversation<Context, BaseContext>

/** How the "why?" step ended: a comment, Skip, or something else the bot must still handle. */
type WhyAnswer = { kind: 'comment'; text: string } | { kind: 'skipped' } | { kind: 'left' }

/** The NPS message dependencies of an outer context. */
export function npsMessageDeps(ctx: Context, i18n: i18n): NpsMessageDeps {
  return {
    api: ctx.api,
    i18n,
    program: ctx.config.program,
    services: ctx.services,
    ownerIds: ctx.config.ownerIds,
    logger: ctx.logger,
  }
}

/**
 * The "why?" after a score, worded by category, always asked (also after a 10) and skippable.
 * Voice messages, stickers and photos get a polite request for text; a long text is stored whole.
 * A command ends the step without a comment and is then handled as usual; other buttons are
 * handled as usual while the question keeps waiting.
 * Then: thanks; a promoter gets the invite link; a detractor's comment (or that there is none)
 * is added to the owners' alerts, sent at the score.
 */
export function createNpsWhyConversation(i18n: i18n) {
  return createConversation<Context, BaseContext>(
    async (conversation: WhyConversation, ctx: BaseContext, ref: string, category: NpsCategory) => {
      const lang = languageOf(await conversation.external((outer) => outer.lang))
      const t = i18n.getFixedT(lang)
      // Replies inside a conversation skip the bot's API transformers: ask for HTML explicitly.
      await ctx.reply(`${t(followUpKey(category))}\n${t('nps.follow_up_hint')}`, {
        parse_mode: 'HTML',
        reply_markup: new InlineKeyboard().text(t('nps.button_skip'), npsSkipButton.encode(ref)),
      })

      let answer: WhyAnswer
      for (;;) {
        const next = await conversation.wait()
        const data = next.callbackQuery?.data
        if (data !== undefined) {
          // Another button (a second score tap, a redemption request) is handled as usual; the question waits.
          if (npsSkipButton.decode(data) !== ref) await conversation.skip({ next: true })
          await next.answerCallbackQuery()
          await next.editMessageReplyMarkup().catch(() => undefined)
          answer = { kind: 'skipped' }
          break
        }
        const text = next.message?.text
        if (text !== undefined) {
          answer = text.startsWith('/') ? { kind: 'left' } : { kind: 'comment', text }
          break
        }
        if (next.message === undefined) {
          answer = { kind: 'left' }
          break
        }
        await next.reply(t('nps.text_only'), { parse_mode: 'HTML' })
      }

      const from = ctx.from?.id
      const referralCode = await conversation.external(async (outer) => {
        if (answer.kind === 'comment' && from !== undefined)
          await outer.services.nps.comment(ref, from, answer.text)
        const details = await outer.services.nps.finishFeedback(ref)
        if (details) await completeAlerts(npsMessageDeps(outer, i18n), details)
        const program = outer.config.program
        return category === 'promoter' && program.referral.enabled && from !== undefined
          ? outer.services.nps.referralCodeOf(from)
          : null
      })
      const username = await conversation.external((outer) => outer.me.username)
      await ctx.reply(t(`nps.thanks.${category}`), { parse_mode: 'HTML' })
      if (referralCode !== null) {
        await ctx.reply(t('nps.invite', { link: inviteLink(username, referralCode) }), {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
        })
      }
      if (answer.kind === 'left') await conversation.halt({ next: true })
    },
    { id: NPS_WHY, parallel: true },
  )
}
