import { InlineKeyboard, type Api } from 'grammy'
import type { i18n, TFunction } from 'i18next'
import type { Customer } from '../../db/customers.ts'
import type { Program } from '../../domain/program.ts'
import { stampsPerCard } from '../../domain/stamps.ts'
import type { CustomerSummary } from '../../services/staff-desk.ts'
import { callbackCodec } from '../callback-data.ts'
import type { Context } from '../context.ts'
import { formatDate, formatMoney } from '../i18n/format.ts'
import { languageOf, type Language } from '../i18n/index.ts'

/**
 * Actions on a customer summary: purchase, redeem, stamp, stamp reward, gift certificate, undo, and
 * the points catalogue (choose a reward to buy with points).
 */
export const DESK_ACTIONS = ['buy', 'redeem', 'stamp', 'reward', 'gift', 'undo', 'catalogue'] as const
export type DeskAction = (typeof DESK_ACTIONS)[number]

/** `desk.1:<action>:<customerId>`: a staff button on a customer summary. */
export const deskButton = callbackCodec<{ action: DeskAction; customerId: string }>('desk', 1, {
  encode: ({ action, customerId }) => [action, customerId],
  decode: ([action, customerId, ...rest]) =>
    rest.length === 0 &&
    (DESK_ACTIONS as readonly string[]).includes(action ?? '') &&
    /^[0-9a-f]{24}$/.test(customerId ?? '')
      ? { action: action as DeskAction, customerId: customerId as string }
      : undefined,
})

/** `dskr.1:<rewardId>:<customerId>`: staff picked a catalogue reward for the customer. */
export const deskRewardButton = callbackCodec<{ rewardId: string; customerId: string }>('dskr', 1, {
  encode: ({ rewardId, customerId }) => [rewardId, customerId],
  decode: ([rewardId, customerId, ...rest]) =>
    rest.length === 0 &&
    /^[a-z0-9][a-z0-9_-]{0,23}$/.test(rewardId ?? '') &&
    /^[0-9a-f]{24}$/.test(customerId ?? '')
      ? { rewardId: rewardId as string, customerId: customerId as string }
      : undefined,
})

/** `rdm.1:<yes|no>:<requestId>`: the customer's answer to a redemption request. */
export const redemptionAnswer = callbackCodec<{ confirm: boolean; requestId: string }>('rdm', 1, {
  encode: ({ confirm, requestId }) => [confirm ? 'yes' : 'no', requestId],
  decode: ([answer, requestId, ...rest]) =>
    rest.length === 0 && (answer === 'yes' || answer === 'no') && /^[0-9a-f]{24}$/.test(requestId ?? '')
      ? { confirm: answer === 'yes', requestId: requestId as string }
      : undefined,
})

/** Money in minor units as people read it, in `lang`. */
export function moneyText(program: Program, minor: number, lang: Language): string {
  return formatMoney(minor, program.currency.code, program.currency.minorUnits, lang)
}

/** "17 баллов" / "17 points". */
export function pointsText(t: TFunction, count: number): string {
  return t('common.points', { count })
}

/** The outlet's display name. */
export function outletName(program: Program, outletId: string): string {
  return program.outlets.find((outlet) => outlet.id === outletId)?.name ?? outletId
}

/** The tier's name in `lang`. */
export function tierName(program: Program, tierId: string, lang: Language): string {
  return program.tiers.find((tier) => tier.id === tierId)?.names[lang] ?? tierId
}

/** A catalogue reward's name in `lang`; its id when the catalogue no longer has it. */
export function rewardName(program: Program, rewardId: string, lang: Language): string {
  return program.rewards.catalogue.find((reward) => reward.id === rewardId)?.names[lang] ?? rewardId
}

/** The customer summary staff see after identifying a customer, with the action buttons. */
export function summaryView(
  ctx: Pick<Context, 't' | 'lang' | 'config'>,
  summary: CustomerSummary,
): { text: string; keyboard: InlineKeyboard } {
  const { program } = ctx.config
  const lines = [
    ctx.t('staff.summary', {
      name: summary.name,
      tier: tierName(program, summary.tierId, ctx.lang),
      balance: pointsText(ctx.t, summary.balance),
      stamps: summary.stamps,
      perCard: stampsPerCard(program.stampCard),
      lastVisit: summary.lastVisit
        ? formatDate(summary.lastVisit, ctx.lang, program.timeZone)
        : ctx.t('staff.summary_never'),
    }),
  ]
  if (summary.rewardsAvailable > 0)
    lines.push(ctx.t('staff.summary_rewards', { count: summary.rewardsAvailable }))
  if (summary.birthdayToday) lines.push(ctx.t('staff.summary_birthday'))
  const button = (action: DeskAction) => deskButton.encode({ action, customerId: summary.customerId })
  const keyboard = new InlineKeyboard().text(ctx.t('staff.button_purchase'), button('buy'))
  if (program.mode === 'points') keyboard.text(ctx.t('staff.button_redeem'), button('redeem'))
  if (program.mode === 'points' && program.rewards.catalogue.length > 0)
    keyboard.row().text(ctx.t('staff.button_catalogue'), button('catalogue'))
  if (program.stampCard.enabled) {
    keyboard.row().text(ctx.t('staff.button_stamp'), button('stamp'))
    if (summary.rewardsAvailable > 0) keyboard.text(ctx.t('staff.button_reward'), button('reward'))
  }
  keyboard.row()
  if (program.giftCertificates.enabled) keyboard.text(ctx.t('staff.button_gift'), button('gift'))
  keyboard.text(ctx.t('staff.button_undo'), button('undo'))
  return { text: lines.join('\n\n'), keyboard }
}

/** "Which reward for Anna?": one button per catalogue reward with its price. */
export function catalogueChoiceView(
  ctx: Pick<Context, 't' | 'lang' | 'config'>,
  summary: CustomerSummary,
): { text: string; keyboard: InlineKeyboard } {
  const keyboard = new InlineKeyboard()
  for (const reward of ctx.config.program.rewards.catalogue) {
    const label = ctx.t('staff.catalogue_item', {
      reward: reward.names[ctx.lang],
      points: pointsText(ctx.t, reward.points),
    })
    keyboard
      .text(label, deskRewardButton.encode({ rewardId: reward.id, customerId: summary.customerId }))
      .row()
  }
  const text = ctx.t('staff.catalogue_choose', {
    name: summary.name,
    balance: pointsText(ctx.t, summary.balance),
  })
  return { text, keyboard }
}

/** Shows the summary of a customer found active (by card or code) to staff. */
export async function replyWithSummary(ctx: Context, customer: Customer): Promise<void> {
  const view = summaryView(ctx, await ctx.services.staffDesk.summary(customer.id, customer))
  await ctx.reply(view.text, { reply_markup: view.keyboard })
}

/**
 * Sends a message to someone else (the customer, or the staff member who is waiting), in their own
 * language. Not essential for the operation: a blocked chat is logged and skipped.
 */
export async function notify(
  deps: { api: Api; i18n: i18n; logger: { warn(obj: object, msg: string): void } },
  chatId: number,
  lang: string,
  render: (t: TFunction, lang: Language) => string,
  extra: { reply_markup?: InlineKeyboard } = {},
): Promise<number | null> {
  const language = languageOf(lang)
  try {
    const sent = await deps.api.sendMessage(chatId, render(deps.i18n.getFixedT(language), language), extra)
    return sent.message_id
  } catch (error) {
    deps.logger.warn({ err: error }, 'could not notify a chat')
    return null
  }
}
