import { Composer, InlineKeyboard } from 'grammy'
import { formatManualCode } from '../../db/random-codes.ts'
import { callbackCodec } from '../callback-data.ts'
import type { Context } from '../context.ts'
import { formatDate } from '../i18n/format.ts'
import { formatBirthday } from '../i18n/format-loyalty.ts'
import { forMember } from '../middlewares/require-member.ts'

/** /forget buttons: confirm (bound to the member, so an old button of an erased record does nothing) or cancel. */
type ForgetAction = { kind: 'confirm'; customerId: string } | { kind: 'cancel' }

const forgetButton = callbackCodec<ForgetAction>('forget', 1, {
  encode: (action) => (action.kind === 'confirm' ? ['confirm', action.customerId] : ['cancel']),
  decode: ([kind, customerId]) => {
    if (kind === 'cancel' && customerId === undefined) return { kind }
    if (kind === 'confirm' && customerId && /^[0-9a-f]{24}$/.test(customerId)) return { kind, customerId }
    return undefined
  },
})

/**
 * /privacy lists exactly what is stored about the customer; /forget asks for confirmation, then
 * erases the personal data and keeps only anonymous ledger totals. Afterwards the user is new.
 */
export function createPrivacyFeature(): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')

  feature.command(
    'privacy',
    forMember<Context>(async (ctx, member) => {
      const report = await ctx.services.membership.privacyReport(member.id)
      const { customer } = report
      const none = ctx.t('privacy.none')
      const { timeZone } = ctx.config.program
      await ctx.reply(
        ctx.t('privacy.text', {
          telegramId: customer.telegramId ?? none,
          name: customer.name || none,
          phone: customer.phone ?? none,
          birthday: customer.birthday ? formatBirthday(customer.birthday, ctx.lang) : none,
          language: customer.language,
          consents:
            Object.entries(customer.consents)
              .filter(([, allowed]) => allowed)
              .map(([category]) => ctx.t(`settings.category.${category}`))
              .join(', ') || none,
          code: formatManualCode(customer.manualCode),
          joinedAt: customer.joinedAt ? formatDate(customer.joinedAt, ctx.lang, timeZone) : none,
          operations: report.operations,
          purchases: report.purchases,
        }),
      )
    }),
  )

  feature.command(
    'forget',
    forMember<Context>(async (ctx, member) => {
      await ctx.reply(ctx.t('privacy.forget_confirm'), {
        reply_markup: new InlineKeyboard()
          .text(ctx.t('privacy.forget_yes'), forgetButton.encode({ kind: 'confirm', customerId: member.id }))
          .text(ctx.t('privacy.forget_no'), forgetButton.encode({ kind: 'cancel' })),
      })
    }),
  )

  feature.callbackQuery(forgetButton.pattern, async (ctx) => {
    const action = forgetButton.decode(ctx.callbackQuery.data)
    const member = await ctx.services.membership.memberOf(ctx.from.id)
    if (!action || !member || (action.kind === 'confirm' && action.customerId !== member.id)) {
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
      return
    }
    await ctx.answerCallbackQuery()
    await ctx.editMessageReplyMarkup().catch(() => undefined)
    if (action.kind === 'cancel') {
      await ctx.reply(ctx.t('privacy.forget_cancelled'))
      return
    }
    await ctx.services.membership.forget(member.id)
    await ctx.conversation.exitAll()
    await ctx.reply(ctx.t('privacy.forgotten'), { reply_markup: { remove_keyboard: true } })
  })
  return composer
}
