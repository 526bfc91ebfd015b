import { Composer, InlineKeyboard, InputFile } from 'grammy'
import type { i18n } from 'i18next'
import QRCode from 'qrcode'
import type { Customer } from '../../db/customers.ts'
import { formatManualCode } from '../../db/random-codes.ts'
import { callbackCodec } from '../callback-data.ts'
import type { Context } from '../context.ts'
import { mainMenu, menuLabels } from '../keyboards/main-menu.ts'
import { forMember } from '../middlewares/require-member.ts'

/** Card buttons: ask to re-issue, confirm (bound to the token shown, so a stale tap does nothing), cancel. */
type CardAction = { kind: 'reissue' } | { kind: 'confirm'; token: string } | { kind: 'cancel' }

/** Characters of the token a confirm button carries: enough to tell cards apart, useless to forge. */
const TOKEN_TAG = 8

/** The card buttons' codec; Settings offers the same re-issue button. */
export const cardButton = callbackCodec<CardAction>('card', 1, {
  encode: (action) => (action.kind === 'confirm' ? ['confirm', action.token] : [action.kind]),
  decode: ([kind, token]) => {
    if (kind === 'reissue' || kind === 'cancel') return { kind }
    if (kind === 'confirm' && token && token.length === TOKEN_TAG) return { kind, token }
    return undefined
  },
})

/** The deep link a staff member's camera opens: `https://t.me/<bot>?start=c-<token>`. */
export function cardLink(botUsername: string, cardToken: string): string {
  return `https://t.me/${botUsername}?start=c-${cardToken}`
}

/** The card as a PNG QR code (error correction M: still scans from a scratched phone screen). */
export function cardImage(link: string): Promise<Buffer> {
  return QRCode.toBuffer(link, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 480 })
}

async function sendCard(ctx: Context, customer: Customer): Promise<void> {
  const png = await cardImage(cardLink(ctx.me.username, customer.cardToken))
  await ctx.replyWithPhoto(new InputFile(png, 'card.png'), {
    caption: ctx.t('card.caption', { code: formatManualCode(customer.manualCode) }),
    reply_markup: new InlineKeyboard().text(ctx.t('card.reissue'), cardButton.encode({ kind: 'reissue' })),
  })
}

/**
 * /card and the My card button: the QR card and the manual code; "my card leaked" re-issues both
 * after a confirmation, and the old ones stop working at once.
 */
export function createCardFeature(i18n: i18n): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')
  const show = forMember<Context>((ctx, member) => sendCard(ctx, member))
  feature.command('card', show)
  feature.hears(
    menuLabels((lang) => i18n.getFixedT(lang), 'menu.card'),
    show,
  )

  feature.callbackQuery(
    cardButton.pattern,
    forMember<Context>(async (ctx, member) => {
      const action = cardButton.decode(ctx.callbackQuery?.data ?? '')
      const current = member.cardToken.slice(0, TOKEN_TAG)
      if (!action || (action.kind === 'confirm' && action.token !== current)) {
        await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
        return
      }
      await ctx.answerCallbackQuery()
      if (action.kind === 'reissue') {
        await ctx.reply(ctx.t('card.confirm', { code: formatManualCode(member.manualCode) }), {
          reply_markup: new InlineKeyboard()
            .text(ctx.t('card.confirm_yes'), cardButton.encode({ kind: 'confirm', token: current }))
            .text(ctx.t('card.confirm_no'), cardButton.encode({ kind: 'cancel' })),
        })
        return
      }
      await ctx.editMessageReplyMarkup().catch(() => undefined)
      if (action.kind === 'cancel') {
        await ctx.reply(ctx.t('card.cancelled'), { reply_markup: mainMenu(ctx) })
        return
      }
      const reissued = await ctx.services.membership.reissueCard(member.id)
      await ctx.reply(ctx.t('card.reissued'), { reply_markup: mainMenu(ctx) })
      await sendCard(ctx, reissued)
    }),
  )
  return composer
}
