import type { Conversation } from '@grammyjs/conversations'
import { InlineKeyboard, type Context as BaseContext } from 'grammy'
import type { TFunction } from 'i18next'
import { isDomainError, translationKeyOf } from '../../domain/errors.ts'
import { money, parseMoney, type Currency, type Money } from '../../domain/money.ts'
import { callbackCodec } from '../callback-data.ts'
import type { Context } from '../context.ts'

/** A desk dialog: the outside context is the app's, inside ones are plain grammY contexts. */
export type DeskConversation = Conversation<Context, BaseContext>

/** Buttons of a desk dialog. */
export const DIALOG_BUTTONS = ['cancel', 'skip', 'none', 'max', 'issue', 'accept'] as const
export type DialogButton = (typeof DIALOG_BUTTONS)[number]

/** `dlg.1:<button>`: a button of the open desk dialog; after the dialog it is stale. */
export const dialogButton = callbackCodec<DialogButton>('dlg', 1, {
  encode: (button) => [button],
  decode: ([button, ...rest]) =>
    rest.length === 0 && (DIALOG_BUTTONS as readonly string[]).includes(button ?? '')
      ? (button as DialogButton)
      : undefined,
})

/** A keyboard of dialog buttons, labelled in the staff's language. */
export function dialogKeyboard(t: TFunction, buttons: readonly [DialogButton, string][]): InlineKeyboard {
  const keyboard = new InlineKeyboard()
  for (const [button, label] of buttons) keyboard.text(label, dialogButton.encode(button))
  return keyboard
}

/** What the staff member answered: typed text or a dialog button. */
export type DialogAnswer = { kind: 'text'; text: string } | { kind: 'button'; button: DialogButton }

/**
 * Waits for the staff member's answer. The role is checked again on every update (a member removed
 * mid-dialog is out at once); Cancel ends the dialog; a command, a photo or another button leaves
 * the dialog and is handled by the bot as usual, so staff can move on to the next guest any time.
 */
export async function waitForAnswer(conversation: DeskConversation, t: TFunction): Promise<DialogAnswer> {
  const ctx = await conversation.wait()
  const stillAtDesk = await conversation.external((outside) => outside.desk !== null)
  if (!stillAtDesk) return conversation.halt({ next: true })
  const data = ctx.callbackQuery?.data
  if (data !== undefined && dialogButton.pattern.test(data)) {
    const button = dialogButton.decode(data)
    await ctx.answerCallbackQuery()
    if (button === 'cancel' || button === undefined) {
      await say(ctx, t('staff.cancelled'))
      return conversation.halt()
    }
    await ctx.editMessageReplyMarkup().catch(() => undefined)
    return { kind: 'button', button }
  }
  const text = ctx.message?.text
  if (text !== undefined && !text.startsWith('/')) return { kind: 'text', text }
  return conversation.halt({ next: true })
}

/**
 * Replies inside a dialog; returns the message id (a prompt's, for {@link closePrompt}). Contexts
 * inside conversations use a fresh Api without the bot's transformers, so HTML is asked for here
 * (translations escape their values for HTML).
 */
export async function say(ctx: BaseContext, text: string, keyboard?: InlineKeyboard): Promise<number> {
  const sent = await ctx.reply(text, { parse_mode: 'HTML', ...(keyboard ? { reply_markup: keyboard } : {}) })
  return sent.message_id
}

/**
 * Takes the buttons off a prompt that staff answered by typing, so no button of a finished step
 * stays under it (a tapped button's keyboard is taken off by {@link waitForAnswer}). Cosmetic: a
 * failure is ignored, and a stale button is still answered politely.
 */
export async function closePrompt(ctx: BaseContext, prompt: number): Promise<void> {
  if (ctx.chat) await ctx.api.editMessageReplyMarkup(ctx.chat.id, prompt).catch(() => undefined)
}

/** What every desk dialog reads first: the staff member's language, the customer's name, money limits. */
export interface DeskSetup {
  lang: string
  name: string
  currency: Currency
  /** The largest amount staff may type, minor units. */
  maxAmount: number
}

/** Reads the {@link DeskSetup} once (replayed from the conversation's log on later steps). */
export function loadDeskSetup(conversation: DeskConversation, customerId: string): Promise<DeskSetup> {
  return conversation.external(async (outside) => ({
    lang: outside.lang,
    name: (await outside.services.staffDesk.activeCustomer(customerId)).name,
    currency: outside.config.program.currency,
    maxAmount: outside.config.program.purchases.maxAmount as number,
  }))
}

/**
 * Waits until staff type a valid amount of money (at most `maxAmount` minor units); each refusal is
 * explained (MONEY.* messages) and the question (`prompt`, with its Cancel button) stays open until
 * then. Buttons other than Cancel are ignored.
 */
export async function askMoney(
  conversation: DeskConversation,
  ctx: BaseContext,
  t: TFunction,
  limits: { currency: Currency; maxAmount: number },
  prompt: number,
): Promise<Money> {
  for (;;) {
    const answer = await waitForAnswer(conversation, t)
    if (answer.kind !== 'text') continue
    const parsed = parseOrExplain(t, () =>
      parseMoney(answer.text, limits.currency, { max: money(limits.maxAmount) }),
    )
    if (parsed.ok) {
      await closePrompt(ctx, prompt)
      return parsed.value
    }
    await say(ctx, parsed.message)
  }
}

/** Runs a parser of typed input; a domain refusal becomes its translated message, anything else throws. */
export function parseOrExplain<T>(
  t: TFunction,
  parse: () => T,
): { ok: true; value: T } | { ok: false; message: string } {
  try {
    return { ok: true, value: parse() }
  } catch (error) {
    if (isDomainError(error)) return { ok: false, message: t(translationKeyOf(error.code), error.params) }
    throw error
  }
}

/** Runs a desk operation in `external`; a domain refusal comes back as its translated message. */
export async function attempt<T>(
  outside: Context,
  operation: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await operation() }
  } catch (error) {
    if (isDomainError(error))
      return { ok: false, message: outside.t(translationKeyOf(error.code), error.params) }
    throw error
  }
}
