import { InlineKeyboard, type Api } from 'grammy'
import type { i18n } from 'i18next'
import type { Program } from '../../domain/program.ts'
import type { Feedback } from '../../db/feedback.ts'
import type { StoredSurvey } from '../../db/surveys.ts'
import type { Services } from '../../services.ts'
import type { FeedbackDetails } from '../../services/nps.ts'
import { DEFAULT_LANGUAGE, escapeHtml, languageOf } from '../i18n/index.ts'
import {
  ALERT_COMMENT_INLINE_MAX,
  alertText,
  npsAnswerButton,
  npsReplyButton,
  questionText,
} from './nps-views.ts'
import { notify } from './staff-views.ts'

/** What NPS messages to other chats need (the survey job, alerts, the reply thread). */
export interface NpsMessageDeps {
  api: Api
  i18n: i18n
  program: Program
  services: Services
  ownerIds: ReadonlySet<number>
  logger: { warn(obj: object, msg: string): void }
}

/** How a run of the closing job ended: nothing more to do, or come back at `at` (not expired yet). */
export type ClosingResult = { readonly kind: 'done' } | { readonly kind: 'again'; readonly at: Date }

/**
 * Closes a survey when it expires (the question itself goes out through the outbox): a sent,
 * unanswered one says so in place of its buttons, once, whatever the number of runs or workers.
 */
export async function closeSurvey(deps: NpsMessageDeps, surveyId: string): Promise<ClosingResult> {
  const plan = await deps.services.nps.planClosing(surveyId)
  if (plan.action === 'wait') return { kind: 'again', at: plan.until }
  if (plan.action === 'close')
    await closeExpiredSurvey(deps, plan.survey, plan.customer?.language ?? DEFAULT_LANGUAGE)
  return { kind: 'done' }
}

/** Replaces an expired survey's buttons with "this survey is closed". */
async function closeExpiredSurvey(deps: NpsMessageDeps, survey: StoredSurvey, lang: string): Promise<void> {
  const { chatId, messageId } = survey.delivery
  if (chatId === null || messageId === null) return
  const t = deps.i18n.getFixedT(languageOf(lang))
  await deps.api
    .editMessageText(chatId, messageId, `${questionText(t, deps.program)}\n\n${t('nps.expired')}`, {
      reply_markup: new InlineKeyboard(),
    })
    .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not close an expired NPS survey'))
}

/** The language an owner reads in: their own customer record's, else the default (Russian). */
async function ownerLanguage(deps: NpsMessageDeps, ownerId: number): Promise<string> {
  const record = await deps.services.customers.findByTelegramId(ownerId)
  return record?.language ?? DEFAULT_LANGUAGE
}

/** Reply under an alert while nobody has answered the customer; nothing once handled. */
function alertKeyboard(deps: NpsMessageDeps, feedback: Feedback, lang: string): InlineKeyboard {
  const keyboard = new InlineKeyboard()
  if (feedback.handledBy !== null) return keyboard
  const t = deps.i18n.getFixedT(languageOf(lang))
  return keyboard.text(t('nps_owner.button_reply'), npsReplyButton.encode(feedback.ref))
}

/**
 * Tells every owner about a detractor at once, right after the score: score, customer, outlet and
 * staff member, with a Reply button; the comment is added when the customer has written it.
 */
export async function alertOwners(deps: NpsMessageDeps, details: FeedbackDetails): Promise<void> {
  const { feedback } = details
  for (const ownerId of deps.ownerIds) {
    const lang = await ownerLanguage(deps, ownerId)
    const messageId = await notify(deps, ownerId, lang, (t) => alertText(t, deps.program, details), {
      reply_markup: alertKeyboard(deps, feedback, lang),
    })
    if (messageId !== null)
      await deps.services.nps.addAlert(feedback.ref, { chatId: ownerId, messageId, lang })
  }
}

/**
 * Rewrites every owner's alert from the thread as stored: the comment once given, who handled it
 * (the Reply button then goes).
 */
export async function refreshAlerts(deps: NpsMessageDeps, feedback: Feedback): Promise<void> {
  const details = await deps.services.nps.feedbackDetails(feedback)
  for (const alert of feedback.alerts) {
    const t = deps.i18n.getFixedT(languageOf(alert.lang))
    await deps.api
      .editMessageText(alert.chatId, alert.messageId, alertText(t, deps.program, details), {
        reply_markup: alertKeyboard(deps, feedback, alert.lang),
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not update an NPS alert'))
  }
}

/**
 * The detractor finished the "why?" step: a comment too long for the alert goes to each owner as a
 * reply to their alert, then every alert shows the comment (or that there is none).
 */
export async function completeAlerts(deps: NpsMessageDeps, details: FeedbackDetails): Promise<void> {
  const { feedback } = details
  const comment = feedback.comment
  if (comment !== null && comment.length > ALERT_COMMENT_INLINE_MAX) {
    for (const alert of feedback.alerts) {
      await deps.api
        .sendMessage(alert.chatId, escapeHtml(comment), { reply_parameters: { message_id: alert.messageId } })
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not send a long NPS comment'))
    }
  }
  await refreshAlerts(deps, feedback)
}

/** The owner's reply, in the customer's chat, with a button to answer it once. False when it did not arrive. */
export async function sendReplyToCustomer(deps: NpsMessageDeps, feedback: Feedback): Promise<boolean> {
  const customer = await deps.services.customers.get(feedback.customerId)
  if (!customer?.chatId) return false
  const t = deps.i18n.getFixedT(languageOf(customer.language))
  const messageId = await notify(
    deps,
    customer.chatId,
    customer.language,
    (tt) => tt('nps.owner_reply', { shop: deps.program.shopName, text: feedback.reply ?? '' }),
    { reply_markup: new InlineKeyboard().text(t('nps.button_answer'), npsAnswerButton.encode(feedback.ref)) },
  )
  return messageId !== null
}

/** The customer's answer, back to the owner who replied. */
export async function forwardAnswerToOwner(deps: NpsMessageDeps, feedback: Feedback): Promise<void> {
  const owner = feedback.handledBy
  if (owner === null) return
  const customer = await deps.services.customers.get(feedback.customerId)
  const lang = await ownerLanguage(deps, owner.telegramId)
  await notify(deps, owner.telegramId, lang, (t) =>
    t('nps_owner.customer_answer', {
      name: customer?.name || t('nps_owner.customer_unknown'),
      text: feedback.customerAnswer ?? '',
    }),
  )
}
