import { Composer, GrammyError, InlineKeyboard } from 'grammy'
import type { i18n } from 'i18next'
import type { LedgerCursor, LedgerEntry } from '../../domain/ledger/entry.ts'
import { callbackCodec } from '../callback-data.ts'
import type { Context } from '../context.ts'
import { formatDate, formatNumber } from '../i18n/format.ts'
import { formatSigned } from '../i18n/format-loyalty.ts'
import { menuLabels } from '../keyboards/main-menu.ts'
import { forMember } from '../middlewares/require-member.ts'
import { rewardName } from './staff-views.ts'

/** Deepest page a button may ask for; beyond it the payload is forged. */
const MAX_PAGE = 500

/** A history page button: the page number, 0 = newest. */
const historyPage = callbackCodec<number>('hist', 1, {
  encode: (page) => [String(page)],
  decode: ([page]) => {
    const value = Number(page)
    return /^\d{1,3}$/.test(page ?? '') && value <= MAX_PAGE ? value : undefined
  },
})

/** One rendered page: text and the ‹ › buttons; null when the page does not exist (stale button). */
async function renderPage(
  ctx: Context,
  customerId: string,
  page: number,
): Promise<{ text: string; keyboard: InlineKeyboard } | null> {
  const { membership } = ctx.services
  let before: LedgerCursor | undefined
  let current = await membership.history(customerId)
  for (let index = 0; index < page; index += 1) {
    if (current.next === null) return null
    before = current.next
    current = await membership.history(customerId, before)
  }
  if (current.entries.length === 0 && page > 0) return null
  if (current.entries.length === 0) return { text: ctx.t('history.empty'), keyboard: new InlineKeyboard() }
  const { program } = ctx.config
  // A catalogue reward is named ("Reward: A free coffee"); its reason is `reward <id>`.
  const what = (entry: LedgerEntry) =>
    entry.kind === 'redeem' && entry.reason.startsWith('reward ')
      ? ctx.t('history.reward', {
          reward: rewardName(program, entry.reason.slice('reward '.length), ctx.lang),
        })
      : ctx.t(`history.kind.${entry.kind}`)
  const line = (entry: LedgerEntry) =>
    ctx.t('history.line', {
      date: formatDate(entry.createdAt, ctx.lang, program.timeZone, true),
      what: what(entry),
      amount: formatSigned(entry.delta, (value) => formatNumber(value, ctx.lang)),
    })
  const keyboard = new InlineKeyboard()
  if (page > 0) keyboard.text(ctx.t('history.newer'), historyPage.encode(page - 1))
  if (current.next !== null) keyboard.text(ctx.t('history.older'), historyPage.encode(page + 1))
  const header = `${ctx.t('history.title')} · ${ctx.t('history.page', { page: page + 1 })}`
  return { text: [header, '', ...current.entries.map(line)].join('\n'), keyboard }
}

/** /history and the History button: operations newest first, 10 a page, with ‹ › buttons. */
export function createHistoryFeature(i18n: i18n): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')
  const show = forMember<Context>(async (ctx, member) => {
    const first = await renderPage(ctx, member.id, 0)
    if (first) await ctx.reply(first.text, { reply_markup: first.keyboard })
  })
  feature.command('history', show)
  feature.hears(
    menuLabels((lang) => i18n.getFixedT(lang), 'menu.history'),
    show,
  )
  feature.callbackQuery(
    historyPage.pattern,
    forMember<Context>(async (ctx, member) => {
      const page = historyPage.decode(ctx.callbackQuery?.data ?? '')
      const rendered = page === undefined ? null : await renderPage(ctx, member.id, page)
      if (rendered === null) {
        await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
        return
      }
      await ctx.answerCallbackQuery()
      await ctx
        .editMessageText(rendered.text, { reply_markup: rendered.keyboard })
        .catch((error: unknown) => {
          // A double tap renders the same page again: Telegram refuses an identical edit, nothing to do.
          if (!(error instanceof GrammyError && error.description.includes('not modified'))) throw error
        })
    }),
  )
  return composer
}
