import { Composer, GrammyError, InlineKeyboard } from 'grammy'
import type { i18n } from 'i18next'
import { CONSENT_CATEGORIES, type ConsentCategory, type Customer } from '../../db/customers.ts'
import { callbackCodec } from '../callback-data.ts'
import { CHANGE_BIRTHDAY } from '../conversations/change-birthday.ts'
import type { Context } from '../context.ts'
import { formatDate } from '../i18n/format.ts'
import { formatBirthday, withoutFinalDot } from '../i18n/format-loyalty.ts'
import { LANGUAGES } from '../i18n/index.ts'
import { menuLabels } from '../keyboards/main-menu.ts'
import { forMember } from '../middlewares/require-member.ts'
import { cardButton } from './card.ts'
import { pickLanguage } from './language.ts'

/** What a Settings button asks for. */
type SettingsAction =
  | { kind: 'home' }
  | { kind: 'notifications' }
  | { kind: 'language' }
  | { kind: 'birthday' }
  | { kind: 'consent'; category: ConsentCategory }
  | { kind: 'holiday'; holidayId: string }

const settingsButton = callbackCodec<SettingsAction>('set', 1, {
  encode: (action) => {
    if (action.kind === 'consent') return ['c', action.category]
    if (action.kind === 'holiday') return ['h', action.holidayId]
    return [action.kind]
  },
  decode: ([kind, arg]) => {
    if (kind === 'home' || kind === 'notifications' || kind === 'language' || kind === 'birthday')
      return arg === undefined ? { kind } : undefined
    if (kind === 'c' && (CONSENT_CATEGORIES as readonly string[]).includes(arg ?? ''))
      return { kind: 'consent', category: arg as ConsentCategory }
    if (kind === 'h' && arg) return { kind: 'holiday', holidayId: arg }
    return undefined
  },
})

const mark = (on: boolean) => (on ? '✅' : '❌')

function homeScreen(ctx: Context, customer: Customer): { text: string; keyboard: InlineKeyboard } {
  const consents = CONSENT_CATEGORIES.map(
    (category) => `${mark(customer.consents[category])} ${ctx.t(`settings.category.${category}`)}`,
  ).join('\n')
  const text = ctx.t('settings.home', {
    language: ctx.t('language.name'),
    birthday: customer.birthday ? formatBirthday(customer.birthday, ctx.lang) : ctx.t('settings.no_birthday'),
    consents,
  })
  const keyboard = new InlineKeyboard()
    .text(ctx.t('settings.language'), settingsButton.encode({ kind: 'language' }))
    .text(ctx.t('settings.birthday'), settingsButton.encode({ kind: 'birthday' }))
    .row()
    .text(ctx.t('settings.notifications'), settingsButton.encode({ kind: 'notifications' }))
    .row()
    .text(ctx.t('settings.reissue_card'), cardButton.encode({ kind: 'reissue' }))
  return { text, keyboard }
}

function notificationsScreen(ctx: Context, customer: Customer): { text: string; keyboard: InlineKeyboard } {
  const keyboard = new InlineKeyboard()
  for (const category of CONSENT_CATEGORIES) {
    keyboard
      .text(
        `${mark(customer.consents[category])} ${ctx.t(`settings.category.${category}`)}`,
        settingsButton.encode({ kind: 'consent', category }),
      )
      .row()
  }
  const holidays = ctx.config.program.holidays.filter((holiday) => holiday.enabled)
  if (customer.consents.holidays) {
    for (const holiday of holidays) {
      const wanted = !customer.holidayOptOuts.includes(holiday.id)
      keyboard
        .text(
          `${mark(wanted)} 🎉 ${holiday.names[ctx.lang]}`,
          settingsButton.encode({ kind: 'holiday', holidayId: holiday.id }),
        )
        .row()
    }
  }
  keyboard.text(ctx.t('settings.back'), settingsButton.encode({ kind: 'home' }))
  return { text: ctx.t('settings.notifications_text'), keyboard }
}

async function show(ctx: Context, screen: { text: string; keyboard: InlineKeyboard }, edit: boolean) {
  if (!edit) {
    await ctx.reply(screen.text, { reply_markup: screen.keyboard })
    return
  }
  await ctx.editMessageText(screen.text, { reply_markup: screen.keyboard }).catch((error: unknown) => {
    if (!(error instanceof GrammyError && error.description.includes('not modified'))) throw error
  })
}

/**
 * /settings and the Settings button: language, birthday (changeable once a year), notification
 * categories and each holiday on/off, card re-issue.
 */
export function createSettingsFeature(i18n: i18n): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')
  const open = forMember<Context>((ctx, member) => show(ctx, homeScreen(ctx, member), false))
  feature.command('settings', open)
  feature.hears(
    menuLabels((lang) => i18n.getFixedT(lang), 'menu.settings'),
    open,
  )

  feature.callbackQuery(
    settingsButton.pattern,
    forMember<Context>(async (ctx, member) => {
      const action = settingsButton.decode(ctx.callbackQuery?.data ?? '')
      const { membership } = ctx.services
      if (
        !action ||
        (action.kind === 'holiday' &&
          !ctx.config.program.holidays.some((holiday) => holiday.id === action.holidayId))
      ) {
        await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
        return
      }
      switch (action.kind) {
        case 'home':
          await ctx.answerCallbackQuery()
          return show(ctx, homeScreen(ctx, member), true)
        case 'notifications':
          await ctx.answerCallbackQuery()
          return show(ctx, notificationsScreen(ctx, member), true)
        case 'consent': {
          const updated = await membership.setConsent(
            member.id,
            action.category,
            !member.consents[action.category],
          )
          await ctx.answerCallbackQuery({ text: ctx.t('settings.saved') })
          return show(ctx, notificationsScreen(ctx, updated), true)
        }
        case 'holiday': {
          const wanted = member.holidayOptOuts.includes(action.holidayId)
          const updated = await membership.setHolidayGreeting(member.id, action.holidayId, wanted)
          await ctx.answerCallbackQuery({ text: ctx.t('settings.saved') })
          return show(ctx, notificationsScreen(ctx, updated), true)
        }
        case 'language': {
          await ctx.answerCallbackQuery()
          const keyboard = new InlineKeyboard()
          for (const lang of LANGUAGES)
            keyboard.text(i18n.getFixedT(lang)('language.name'), pickLanguage.encode(lang))
          await ctx.reply(ctx.t('language.choose'), { reply_markup: keyboard })
          return
        }
        case 'birthday': {
          const verdict = await membership.birthdayChange(member.id)
          if (!verdict.allowed) {
            const date = withoutFinalDot(
              formatDate(verdict.nextChangeAt, ctx.lang, ctx.config.program.timeZone),
            )
            await ctx.answerCallbackQuery()
            await ctx.reply(ctx.t('errors.BIRTHDAY.CHANGE_TOO_SOON', { nextChangeAt: date }))
            return
          }
          await ctx.answerCallbackQuery()
          await ctx.conversation.enter(CHANGE_BIRTHDAY, member.id)
          return
        }
      }
    }),
  )
  return composer
}
