import { InlineKeyboard, type Api } from 'grammy'
import type { i18n, TFunction } from 'i18next'
import type { PendingRedemption } from '../../db/pending-redemptions.ts'
import type { Program } from '../../domain/program.ts'
import { stampsPerCard } from '../../domain/stamps.ts'
import type { Services } from '../../services.ts'
import type { DeskPurchase } from '../../services/staff-desk.ts'
import { formatNumber } from '../i18n/format.ts'
import { languageOf, type Language } from '../i18n/index.ts'
import {
  moneyText,
  notify,
  outletName,
  pointsText,
  redemptionAnswer,
  rewardName,
  tierName,
} from './staff-views.ts'

/** What the desk's messages to other chats need: the API, translations, the program and services. */
export interface NoticeDeps {
  api: Api
  i18n: i18n
  program: Program
  services: Services
  logger: { warn(obj: object, msg: string): void }
}

/** The customer's receipt: points earned (and spent), balance, a tier upgrade, stamps — one message. */
export async function sendCustomerReceipt(deps: NoticeDeps, result: DeskPurchase): Promise<void> {
  const { purchase, upgradedTo, balance } = result.outcome
  const { customer } = result
  if (!customer.chatId) return
  const { program } = deps
  await notify(deps, customer.chatId, customer.language, (t, lang) => {
    const common = {
      outlet: outletName(program, purchase.outletId),
      amount: moneyText(program, purchase.amount, lang),
      earned: pointsText(t, purchase.earned),
      redeemed: pointsText(t, purchase.redeemed),
      balance: formatNumber(balance, lang),
    }
    const lines = [
      t(purchase.redeemed > 0 ? 'staff.customer_receipt_redeemed' : 'staff.customer_receipt', common),
    ]
    if (upgradedTo) lines.push(t('staff.customer_tier_up', { tier: upgradedTo.names[lang] }))
    if (result.stampCard) {
      lines.push(
        result.rewardsUnlocked > 0
          ? t('staff.customer_stamp_reward', { reward: program.stampCard.rewardNames[lang] })
          : t('staff.customer_stamps', {
              stamps: result.stampCard.stamps,
              perCard: stampsPerCard(program.stampCard),
            }),
      )
    }
    return lines.join('\n')
  })
}

/** What staff see after a purchase is recorded (or found recorded before, for a repeated receipt). */
export function staffPurchaseText(
  t: TFunction,
  lang: Language,
  program: Program,
  name: string,
  result: DeskPurchase,
): string {
  const { purchase, balance, replayed, upgradedTo } = result.outcome
  if (replayed) return t('staff.purchase_replayed', { name, balance: pointsText(t, balance) })
  const values = {
    name,
    amount: moneyText(program, purchase.amount, lang),
    paid: moneyText(program, purchase.paid, lang),
    earned: pointsText(t, purchase.earned),
    redeemed: pointsText(t, purchase.redeemed),
    balance: pointsText(t, balance),
  }
  const lines = [t(purchase.redeemed > 0 ? 'staff.purchase_done_redeemed' : 'staff.purchase_done', values)]
  if (upgradedTo) lines.push(t('staff.customer_tier_up', { tier: tierName(program, upgradedTo.id, lang) }))
  if (result.stampCard) {
    lines.push(
      result.rewardsUnlocked > 0
        ? t('staff.stamp_reward_ready', { reward: program.stampCard.rewardNames[lang] })
        : t('staff.stamps_now', {
            stamps: result.stampCard.stamps,
            perCard: stampsPerCard(program.stampCard),
          }),
    )
  }
  return lines.join('\n')
}

/** "Spend 300 points at <outlet>?" (or "... for <reward>?" when the points buy a catalogue reward). */
function confirmQuestion(deps: NoticeDeps, t: TFunction, lang: Language, request: PendingRedemption): string {
  const values = { points: pointsText(t, request.points), outlet: outletName(deps.program, request.outletId) }
  return request.rewardId === null
    ? t('staff.customer_confirm', values)
    : t('staff.customer_confirm_reward', {
        ...values,
        reward: rewardName(deps.program, request.rewardId, lang),
      })
}

/** Asks the customer "Spend 300 points at <outlet>? Confirm / Decline" and remembers the message. */
export async function askCustomerToConfirm(deps: NoticeDeps, request: PendingRedemption): Promise<void> {
  const keyboard = (t: TFunction) =>
    new InlineKeyboard()
      .text(t('staff.button_confirm'), redemptionAnswer.encode({ confirm: true, requestId: request.id }))
      .text(t('staff.button_decline'), redemptionAnswer.encode({ confirm: false, requestId: request.id }))
  const t = deps.i18n.getFixedT(request.customerLang)
  const messageId = await notify(
    deps,
    request.customerChatId,
    request.customerLang,
    (tt, lang) => confirmQuestion(deps, tt, lang, request),
    { reply_markup: keyboard(t) },
  )
  if (messageId !== null) await deps.services.staffDesk.setCustomerMessage(request.id, messageId)
}

/** Tells the waiting staff member how a redemption request ended, in their language. */
export async function tellStaff(
  deps: NoticeDeps,
  request: PendingRedemption,
  render: (t: TFunction, lang: Language, name: string) => string,
): Promise<void> {
  const customer = await deps.services.customers.get(request.customerId)
  await notify(deps, request.staffChatId, request.staffLang, (t, lang) =>
    render(t, lang, customer?.name ?? ''),
  )
}

/** Replaces the customer's Confirm / Decline message with how it ended, so its buttons are gone. */
export async function closeCustomerPrompt(
  deps: NoticeDeps,
  request: PendingRedemption,
  key: string,
): Promise<void> {
  if (request.customerMessageId === null) return
  const lang = languageOf(request.customerLang)
  const t = deps.i18n.getFixedT(lang)
  const text = `${confirmQuestion(deps, t, lang, request)}\n\n${t(key)}`
  await deps.api
    .editMessageText(request.customerChatId, request.customerMessageId, text)
    .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not close the redemption prompt'))
}

/** The staff's message when a request timed out (job) — shared by the timeout job and a late tap. */
export async function reportExpired(deps: NoticeDeps, request: PendingRedemption): Promise<void> {
  await tellStaff(deps, request, (t, _lang, name) => {
    const text = t('staff.redeem_expired', { name, points: pointsText(t, request.points) })
    return request.purchase ? `${text}\n${t('staff.redeem_not_recorded')}` : text
  })
  await closeCustomerPrompt(deps, request, 'staff.customer_expired')
}
