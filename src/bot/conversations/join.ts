import { createConversation, type Conversation } from '@grammyjs/conversations'
import { Composer, Keyboard } from 'grammy'
import type { TFunction } from 'i18next'
import { isDomainError, translationKeyOf } from '../../domain/errors.ts'
import { MAX_NAME_LENGTH } from '../../services/membership.ts'
import type { Context, ConversationContext } from '../context.ts'
import { conversationDependencies, type ConversationDependencies } from './dependencies.ts'
import { formatPercent } from '../i18n/format-loyalty.ts'
import { MAIN_MENU_ROWS, mainMenu, menuLabels } from '../keyboards/main-menu.ts'

/** The id of the join conversation, for `ctx.conversation.enter(JOIN)`. */
export const JOIN = 'join'

type JoinConversation = Conversation<Context, ConversationContext>

/** The referral code of a deep-link payload `r-<code>`, or null for any other payload. */
export function referralCodeOf(payload: string): string | null {
  return /^r-([a-z0-9]{1,32})$/.exec(payload.trim())?.[1] ?? null
}

/** A question's verdict on one update: the answer, or a hint already sent (ask again). */
type Verdict<T> = { readonly answer: T } | null

/**
 * The join: welcome and rules -> name -> phone (optional) -> birthday (optional) -> welcome bonus
 * -> main menu. Replayed on every update, so every database write goes through
 * `conversation.external`. Commands and buttons that belong elsewhere (/help, /language, the Help
 * and Language buttons, other features' inline buttons) are passed on, and the join waits at the
 * same question; /start asks the current question again. State lives in MongoDB, so a restart
 * resumes where the customer was.
 */
export function createJoinFeature(deps: ConversationDependencies): Composer<Context> {
  const { i18n } = deps
  // Every menu label (an old keyboard may still show them) is passed on, never taken as an answer.
  const passThroughLabels = new Set(
    [...MAIN_MENU_ROWS.flat(), 'menu.language'].flatMap((key) =>
      menuLabels((lang) => i18n.getFixedT(lang), key),
    ),
  )

  /** Whether an update belongs to someone else while the join waits (handled by outer features). */
  const isForeign = (ctx: ConversationContext): boolean => {
    const text = ctx.message?.text
    if (ctx.callbackQuery) return true
    if (text === undefined) return false
    if (passThroughLabels.has(text)) return true
    return text.startsWith('/') && !/^\/start(@\w+)?(\s|$)/.test(text)
  }
  const isStart = (ctx: ConversationContext) => /^\/start(@\w+)?(\s|$)/.test(ctx.message?.text ?? '')

  async function join(conversation: JoinConversation, ctx: ConversationContext, customerId: string) {
    const lang = await conversation.external((outer) => outer.lang)
    const t: TFunction = i18n.getFixedT(lang)
    const program = deps.config.program
    // Replies made inside a conversation skip the bot's API transformers: ask for HTML explicitly.
    const say = (text: string, extra: Parameters<ConversationContext['reply']>[1] = {}) =>
      ctx.reply(text, { parse_mode: 'HTML', ...extra })
    const helpRow = (keyboard: Keyboard) => keyboard.row().text(t('menu.help')).text(t('menu.language'))

    /** Sends the question, then reads updates until `read` accepts one. */
    async function ask<T>(
      question: () => Promise<unknown>,
      read: (ctx: ConversationContext) => Promise<Verdict<T>>,
    ): Promise<T> {
      await question()
      for (;;) {
        const next = await conversation.wait()
        if (isForeign(next)) await conversation.skip({ next: true })
        if (isStart(next)) {
          // An invite link opened mid-join still counts (or is refused with the reason).
          const code = referralCodeOf(next.message?.text?.split(/\s+/)[1] ?? '')
          if (code) {
            const key = await conversation.external(async (outer) => {
              try {
                await outer.services.membership.applyReferral(customerId, code)
                return 'invite.applied'
              } catch (error) {
                if (isDomainError(error)) return translationKeyOf(error.code)
                throw error
              }
            })
            await say(t(key))
          }
          await question()
          continue
        }
        const verdict = await read(next)
        if (verdict) return verdict.answer
      }
    }

    // 1. What the program gives, the rules, and consent.
    const firstTier = program.tiers[0]
    const gifts = [
      program.points.welcomeBonus > 0 &&
        t('join.gift_welcome', { points: points(t, program.points.welcomeBonus) }),
      firstTier && t('join.gift_earn', { rate: formatPercent(firstTier.earnRateBp, lang) }),
      program.birthday.enabled && t('join.gift_birthday'),
    ].filter(Boolean)
    const rules = program.rulesUrl
      ? t('join.rules_link', { url: program.rulesUrl })
      : t('join.rules_summary', {
          cap: formatPercent(program.points.redeemCapBp, lang),
          expiry:
            program.points.expiryDays > 0
              ? t('join.rules_expiry', { count: program.points.expiryDays })
              : t('join.rules_no_expiry'),
        })
    const agree = t('join.agree')
    await ask(
      () =>
        say(
          t('join.welcome', {
            name: ctx.from?.first_name ?? '',
            shop: program.shopName,
            gifts: gifts.join('\n'),
            rules,
          }),
          {
            reply_markup: helpRow(new Keyboard().text(agree)).resized(),
            link_preview_options: { is_disabled: true },
          },
        ),
      async (answer) => {
        if (answer.message?.text === agree) return { answer: true }
        await say(t('join.tap_agree'))
        return null
      },
    )
    await conversation.external((outer) => outer.services.membership.acceptRules(customerId))

    // 2. Name, prefilled from Telegram.
    const telegramName = ctx.from?.first_name ?? ''
    const keep = t('join.keep_name', { name: telegramName })
    await ask(
      () =>
        say(t('join.ask_name', { name: telegramName }), {
          reply_markup: helpRow(new Keyboard().text(keep)).resized(),
        }),
      async (answer) => {
        const text = answer.message?.text
        // A double tap on "I agree" arrives here: it is a button, not a name.
        if (text === undefined || text === agree) {
          await say(t('join.name_hint'))
          return null
        }
        const typed = text === keep ? telegramName : text
        const stored = await conversation.external((outer) =>
          outer.services.membership.setName(customerId, typed),
        )
        if (stored) return { answer: true }
        await say(t('join.name_invalid', { max: MAX_NAME_LENGTH }))
        return null
      },
    )

    // 3. Phone, only the customer's own contact; skippable.
    const share = t('join.share_phone')
    const skip = t('join.skip')
    await ask(
      () =>
        say(t('join.ask_phone'), {
          reply_markup: helpRow(new Keyboard().requestContact(share).row().text(skip)).resized(),
        }),
      async (answer) => {
        const contact = answer.message?.contact
        if (contact) {
          if (contact.user_id !== answer.from?.id) {
            await say(t('join.phone_not_own', { share, skip }))
            return null
          }
          await conversation.external((outer) =>
            outer.services.membership.setPhone(customerId, contact.phone_number),
          )
          return { answer: true }
        }
        if (answer.message?.text === skip) return { answer: false }
        await say(t('join.phone_hint', { share, skip }))
        return null
      },
    )

    // 4. Birthday: day and month, year optional; skippable.
    await ask(
      () =>
        say(
          t('join.ask_birthday') +
            (program.birthday.enabled && program.birthday.bonusPoints > 0
              ? `\n\n${t('join.birthday_gift', { points: points(t, program.birthday.bonusPoints) })}`
              : ''),
          { reply_markup: helpRow(new Keyboard().text(skip)).resized() },
        ),
      async (answer) => {
        const text = answer.message?.text
        if (text === skip) return { answer: false }
        if (text === undefined) {
          await say(t('join.birthday_hint', { skip }))
          return null
        }
        const refusal = await conversation.external(async (outer) => {
          try {
            await outer.services.membership.setBirthday(customerId, text)
            return null
          } catch (error) {
            if (isDomainError(error))
              return { key: translationKeyOf(error.code), params: { ...error.params } }
            throw error
          }
        })
        if (refusal === null) return { answer: true }
        await say(t(refusal.key, refusal.params))
        return null
      },
    )

    // 5. Welcome bonus (once per customer) and the main menu.
    const done = await conversation.external(async (outer) => {
      const { customer, welcomeBonus } = await outer.services.membership.finishJoin(customerId)
      return { name: customer.name, welcomeBonus: Number(welcomeBonus) }
    })
    const text =
      done.welcomeBonus > 0
        ? t('join.done_with_bonus', { name: done.name, bonus: points(t, done.welcomeBonus) })
        : t('join.done', { name: done.name })
    await say(text, { reply_markup: mainMenu({ t }) })
  }

  const composer = new Composer<Context>()
  composer.use(
    createConversation<Context, ConversationContext>(join, {
      id: JOIN,
      plugins: [conversationDependencies(deps)],
    }),
  )
  return composer
}

/** "100 баллов" with the right plural form. */
function points(t: TFunction, count: number): string {
  return t('common.points', { count })
}
