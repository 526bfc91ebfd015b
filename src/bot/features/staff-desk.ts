import { randomUUID } from 'node:crypto'
import { Composer, type Api } from 'grammy'
import type { i18n } from 'i18next'
import { isDomainError, translationKeyOf } from '../../domain/errors.ts'
import { stampsPerCard } from '../../domain/stamps.ts'
import type { StaffOperation } from '../../db/staff-operations.ts'
import { STAFF_GIFT } from '../conversations/staff-gift.ts'
import { STAFF_PURCHASE } from '../conversations/staff-purchase.ts'
import { STAFF_REDEEM } from '../conversations/staff-redeem.ts'
import type { Context } from '../context.ts'
import { cardTokenFromQrText, decodeQrImage } from '../qr/decode.ts'
import { askCustomerToConfirm } from './staff-notices.ts'
import {
  catalogueChoiceView,
  deskButton,
  deskRewardButton,
  moneyText,
  notify,
  outletName,
  pointsText,
  replyWithSummary,
  rewardName,
} from './staff-views.ts'

/** Staff and owners only: a customer is told politely that it is not for them, and nothing happens. */
async function deskOnly(ctx: Context, next: () => Promise<void>): Promise<void> {
  if (ctx.desk !== null) return next()
  if (ctx.callbackQuery)
    await ctx.answerCallbackQuery({ text: ctx.t('errors.not_allowed'), show_alert: true })
  else await ctx.reply(ctx.t('errors.not_allowed'))
}

/** Answers a domain refusal with its translation; anything else goes to the error boundary. */
async function explainRefusal(ctx: Context, error: unknown): Promise<void> {
  if (!isDomainError(error)) throw error
  await ctx.reply(ctx.t(translationKeyOf(error.code), error.params))
}

/** Downloads a photo the staff member sent (largest size) through the Bot API's file endpoint. */
async function downloadPhoto(api: Api, fileId: string): Promise<Uint8Array> {
  const file = await api.getFile(fileId)
  if (!file.file_path) throw new Error('getFile returned no file_path')
  const root = api.options?.apiRoot ?? 'https://api.telegram.org'
  const response = await fetch(`${root}/file/bot${api.token}/${file.file_path}`)
  if (!response.ok) throw new Error(`photo download failed with HTTP ${response.status}`)
  return new Uint8Array(await response.arrayBuffer())
}

/**
 * The staff desk: identify a customer (`/scan <code>`, a photo of the card's QR), then act on the
 * summary's buttons (purchase, redeem, stamp, stamp reward, undo) and `/undo`. Every command and
 * button checks the role on the update itself.
 */
export function createStaffDeskFeature(i18n: i18n): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')

  feature.command('scan', deskOnly, async (ctx) => {
    const code = ctx.match.trim()
    if (code === '') {
      await ctx.reply(ctx.t('staff.scan_usage'))
      return
    }
    const lookup = await ctx.services.staffDesk.findByManualCode(ctx.desk!, code)
    if (lookup.kind === 'rate_limited') await ctx.reply(ctx.t('staff.scan_rate_limited'))
    else if (lookup.kind === 'not_found') await ctx.reply(ctx.t('staff.scan_not_found', { code }))
    else await replyWithSummary(ctx, lookup.customer)
  })

  feature.on('message:photo', async (ctx, next) => {
    if (ctx.desk === null) return next()
    const largest = ctx.message.photo.at(-1)
    if (!largest) return next()
    await ctx.replyWithChatAction('typing').catch(() => undefined)
    const text = decodeQrImage(await downloadPhoto(ctx.api, largest.file_id))
    if (text === null) {
      await ctx.reply(ctx.t('staff.photo_no_qr'))
      return
    }
    const token = cardTokenFromQrText(text)
    if (token === null) {
      await ctx.reply(ctx.t('staff.photo_not_card'))
      return
    }
    const customer = await ctx.services.staffDesk.findByCardToken(token)
    if (customer === null) await ctx.reply(ctx.t('staff.card_unknown'))
    else await replyWithSummary(ctx, customer)
  })

  const undo = async (ctx: Context) => {
    const desk = ctx.services.staffDesk
    let undone
    try {
      undone = await desk.undoLast(ctx.desk!)
    } catch (error) {
      await explainRefusal(ctx, error)
      return
    }
    if (undone === null) {
      await ctx.reply(ctx.t('staff.undo_nothing'))
      return
    }
    await ctx.reply(await undoText(ctx, undone.operation, undone.balance))
    const customer = await ctx.services.customers.get(undone.operation.customerId)
    if (customer?.chatId && (undone.operation.kind === 'purchase' || undone.operation.kind === 'redeem')) {
      await notify({ api: ctx.api, i18n, logger: ctx.logger }, customer.chatId, customer.language, (t) =>
        t('staff.customer_undone', {
          outlet: outletName(ctx.config.program, undone.operation.outletId),
          balance: pointsText(t, undone.balance),
        }),
      )
    }
  }
  feature.command('undo', deskOnly, undo)

  feature.callbackQuery(deskButton.pattern, deskOnly, async (ctx) => {
    const pressed = deskButton.decode(ctx.callbackQuery.data)
    if (!pressed) {
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
      return
    }
    await ctx.answerCallbackQuery()
    const desk = ctx.services.staffDesk
    const { program } = ctx.config
    try {
      switch (pressed.action) {
        case 'buy': {
          const customer = await desk.activeCustomer(pressed.customerId)
          await ctx.conversation.enter(STAFF_PURCHASE, customer.id, customer.name)
          return
        }
        case 'redeem':
          await desk.activeCustomer(pressed.customerId)
          await ctx.conversation.enter(STAFF_REDEEM, pressed.customerId)
          return
        case 'gift':
          await desk.activeCustomer(pressed.customerId)
          await ctx.conversation.enter(STAFF_GIFT, pressed.customerId)
          return
        case 'stamp': {
          const { card, rewardsUnlocked } = await desk.addStamp(ctx.desk!, pressed.customerId, randomUUID())
          await ctx.reply(
            rewardsUnlocked > 0
              ? ctx.t('staff.stamp_reward_ready', { reward: program.stampCard.rewardNames[ctx.lang] })
              : ctx.t('staff.stamps_now', { stamps: card.stamps, perCard: stampsPerCard(program.stampCard) }),
          )
          return
        }
        case 'reward': {
          const { card } = await desk.giveStampReward(ctx.desk!, pressed.customerId, randomUUID())
          await ctx.reply(
            ctx.t('staff.reward_given', {
              reward: program.stampCard.rewardNames[ctx.lang],
              left: card.rewardsAvailable,
            }),
          )
          return
        }
        case 'undo':
          await undo(ctx)
          return
        case 'catalogue': {
          const view = catalogueChoiceView(ctx, await desk.summary(pressed.customerId))
          await ctx.reply(view.text, { reply_markup: view.keyboard })
          return
        }
      }
    } catch (error) {
      await explainRefusal(ctx, error)
    }
  })

  // A reward picked from the catalogue: the customer is asked to confirm, as for any redemption.
  feature.callbackQuery(deskRewardButton.pattern, deskOnly, async (ctx) => {
    const picked = deskRewardButton.decode(ctx.callbackQuery.data)
    if (!picked) {
      await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
      return
    }
    await ctx.answerCallbackQuery()
    const { program } = ctx.config
    try {
      const asked = await ctx.services.staffDesk.requestRewardRedemption(ctx.desk!, {
        ...picked,
        staffChatId: ctx.chat.id,
        staffLang: ctx.lang,
      })
      const { request, customer } = asked
      await askCustomerToConfirm(
        { api: ctx.api, i18n, program, services: ctx.services, logger: ctx.logger },
        request,
      )
      await ctx.reply(
        ctx.t('staff.reward_requested', {
          name: customer.name,
          reward: rewardName(program, picked.rewardId, ctx.lang),
          points: pointsText(ctx.t, request.points),
        }),
      )
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'REWARD.NOT_ENOUGH_POINTS') {
        await explainRefusal(ctx, error)
        return
      }
      const { balance, price, missing } = error.params
      await ctx.reply(
        ctx.t('staff.reward_not_enough', {
          reward: rewardName(program, picked.rewardId, ctx.lang),
          missing: pointsText(ctx.t, Number(missing)),
          balance: pointsText(ctx.t, Number(balance)),
          price: pointsText(ctx.t, Number(price)),
        }),
      )
    }
  })

  return composer
}

/** What staff are told after an undo. */
async function undoText(ctx: Context, operation: StaffOperation, balance: number): Promise<string> {
  const customer = await ctx.services.customers.get(operation.customerId)
  const name = customer?.name ?? ''
  switch (operation.kind) {
    case 'purchase': {
      const purchase = await ctx.services.purchases.findById(operation.ref)
      return ctx.t('staff.undo_done_purchase', {
        name,
        amount: moneyText(ctx.config.program, purchase?.amount ?? 0, ctx.lang),
        balance: pointsText(ctx.t, balance),
      })
    }
    case 'redeem':
      return ctx.t('staff.undo_done_redeem', { name, balance: pointsText(ctx.t, balance) })
    case 'stamp':
      return ctx.t('staff.undo_done_stamp')
    default:
      return ctx.t('staff.undo_done_stamp_reward')
  }
}
