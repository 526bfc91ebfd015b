import type { Clock } from '../domain/clock.ts'
import { DomainError } from '../domain/errors.ts'
import { npsCategory } from '../domain/nps.ts'
import { createNpsService, type ScoreOutcome } from '../domain/nps-service.ts'
import type { Purchase } from '../domain/ports/purchase-repository.ts'
import type { NpsSurvey } from '../domain/ports/survey-repository.ts'
import type { Program } from '../domain/program.ts'
import type { Customer, CustomerRepository } from '../db/customers.ts'
import type { Feedback, FeedbackHandler, FeedbackRepository, ThreadWrite } from '../db/feedback.ts'
import type { StaffRepository } from '../db/staff.ts'
import type { OutboxPayload } from '../db/outbox.ts'
import { surveyRefOf, type DropReason, type MongoSurveyRepository, type StoredSurvey } from '../db/surveys.ts'
import type { OutboxService } from './outbox.ts'
import { createNpsReport } from './nps-report.ts'

/** Asks the job scheduler to close a survey at `at`, when it expires (idempotent per survey). */
export type ScheduleSurveyClosing = (surveyId: string, at: Date) => Promise<void>

/** Ports and settings of {@link createNpsFeedbackService}. */
export interface NpsFeedbackDeps {
  readonly surveys: MongoSurveyRepository
  readonly feedback: FeedbackRepository
  readonly customers: CustomerRepository
  readonly staff: Pick<StaffRepository, 'findActive'>
  readonly clock: Clock
  readonly program: Program
  /** Owners' Telegram ids: a survey attributed to one of them names "the owner", not a staff member. */
  readonly ownerIds: ReadonlySet<number>
  readonly scheduleClosing: ScheduleSurveyClosing
  /** Sends the question: with the policy of every non-promotional message (category `nps`). */
  readonly outbox: Pick<OutboxService, 'enqueue' | 'observe'>
  /** The 0..10 score buttons of a survey reference, in rows (built by the bot's codec). */
  readonly scoreButtons: (ref: string) => NonNullable<OutboxPayload['buttonRows']>
  readonly logger: { warn(obj: object, msg: string): void }
}

/** What the closing job should do when a survey expires. */
export type ClosingPlan =
  /** Sent, unanswered and now expired: closed for this worker, take its buttons away. */
  | { readonly action: 'close'; readonly survey: StoredSurvey; readonly customer: Customer | null }
  /** Not expired yet on the app's clock: come back at `until`. */
  | { readonly action: 'wait'; readonly until: Date }
  /** Answered, dropped, never sent or closed by another worker: nothing to do. */
  | { readonly action: 'none' }

/** Why the survey was not sent, from the outbox's reason. */
function surveyDropReason(reason: string): DropReason {
  if (reason === 'no_consent') return 'opted_out'
  return reason === 'unreachable' || reason === 'expired' || reason === 'disabled' ? reason : 'failed'
}

/** Who served the customer, as `/nps` and the owner's alert name them. */
export type StaffLabel =
  | { readonly kind: 'staff'; readonly name: string }
  | { readonly kind: 'owner' }
  | { readonly kind: 'unknown'; readonly id: string }
  | { readonly kind: 'none' }

/** What the owner's alert about a detractor shows. */
export interface FeedbackDetails {
  readonly feedback: Feedback
  readonly customer: Customer | null
  readonly staff: StaffLabel
}

/**
 * The NPS loop around the domain's survey rules: a survey after a purchase, queued in the outbox
 * (key = survey id, so it goes out once; category `nps`: consent, quiet hours, pacing, 403; not
 * promotional, so it never counts against the 30-day cap) and closed by a job when it expires;
 * taking the score and the "why?", the detractor's feedback thread with the owners, and the `/nps`
 * report. Nothing here talks to Telegram: the outbox sends, the bot layer closes.
 */
export function createNpsFeedbackService(deps: NpsFeedbackDeps) {
  const { surveys, feedback, customers, clock, program } = deps
  const rules = createNpsService({ surveys, clock, program })

  // The survey remembers what became of its question: the message to close, or why it never went.
  deps.outbox.observe('nps', async (message, outcome) => {
    if (outcome.kind === 'sent')
      await surveys.markSent(message.key, outcome.chatId, outcome.messageId, outcome.at)
    else if (outcome.kind === 'deferred') await surveys.markDeferred(message.key, outcome.until)
    else await surveys.markDropped(message.key, surveyDropReason(outcome.reason))
  })

  async function customerOfTelegram(telegramId: number): Promise<Customer> {
    const customer = await customers.findByTelegramId(telegramId)
    if (customer === null || customer.erasedAt !== null) {
      throw new DomainError('NPS.SURVEY_NOT_FOUND', { surveyId: '' })
    }
    return customer
  }

  async function surveyOfRef(ref: string): Promise<StoredSurvey> {
    const survey = await surveys.findByRef(ref)
    if (survey === null) throw new DomainError('NPS.SURVEY_NOT_FOUND', { surveyId: ref })
    return survey
  }

  async function staffLabel(staffId: string | null): Promise<StaffLabel> {
    if (staffId === null) return { kind: 'none' }
    const telegramId = Number(staffId)
    if (Number.isSafeInteger(telegramId) && deps.ownerIds.has(telegramId)) return { kind: 'owner' }
    const member = Number.isSafeInteger(telegramId) ? await deps.staff.findActive(telegramId) : null
    return member ? { kind: 'staff', name: member.name } : { kind: 'unknown', id: staffId }
  }

  /** The thread with the customer and the staff member named. */
  async function feedbackDetails(thread: Feedback): Promise<FeedbackDetails> {
    const [customer, staff] = await Promise.all([
      customers.get(thread.customerId),
      staffLabel(thread.staffId),
    ])
    return { feedback: thread, customer, staff }
  }

  return {
    /**
     * Schedules the survey of a freshly recorded purchase: attributed to its outlet, the staff
     * member who recorded it and its touchpoint (`redemption` when points paid part of it and the
     * program knows that touchpoint, else the first one). Nothing when NPS is off, the customer
     * opted out or is unreachable, or had a survey within the cooldown. Never throws: a purchase
     * stays recorded whatever happens to its survey (failures are logged). `known` is the
     * purchase's customer as the caller just read it; read here when absent.
     */
    async scheduleAfterPurchase(purchase: Purchase, known?: Customer): Promise<StoredSurvey | null> {
      try {
        const customer = known ?? (await customers.get(purchase.customerId))
        if (customer === null || customer.erasedAt !== null) return null
        const touchpoint =
          purchase.redeemed > 0 && program.nps.touchpoints.includes('redemption') ? 'redemption' : undefined
        const survey = await rules.scheduleAfterPurchase(
          {
            customerId: purchase.customerId,
            purchaseId: purchase.id,
            purchaseAt: purchase.createdAt,
            outletId: purchase.outletId,
            staffId: purchase.actor.role === 'system' ? null : purchase.actor.id,
            ...(touchpoint ? { touchpoint } : {}),
          },
          {
            optedOut: !customer.consents.nps,
            reachable: customer.reachable,
            lastSurveyAt: customer.lastSurveyAt,
          },
        )
        if (survey === null || survey.purchaseId !== purchase.id) return null
        const stored = await surveys.findStored(survey.id)
        // A replayed purchase finds its survey: queued (once per key) only while the survey waits.
        if (stored?.delivery.status !== 'scheduled') return stored
        await deps.outbox.enqueue({
          customerId: survey.customerId,
          category: 'nps',
          key: survey.id,
          dueAt: survey.sendAt,
          expiresAt: survey.expiresAt,
          payload: {
            parts: [{ key: 'nps.question' }, { key: 'nps.scale' }],
            buttonRows: deps.scoreButtons(stored.ref),
          },
        })
        await deps.scheduleClosing(survey.id, survey.expiresAt)
        // Noted last: a retry of the purchase after a crash before this line still completes the survey.
        await customers.noteSurvey(customer.id, survey.createdAt)
        return stored
      } catch (error) {
        deps.logger.warn({ err: error, purchaseId: purchase.id }, 'could not schedule the NPS survey')
        return null
      }
    },

    /**
     * What the closing job does with a survey: a sent one still unanswered when it expires is
     * closed once (compare-and-set), so its buttons can be taken away; one never sent is dropped
     * as expired (the outbox does not send it any more either).
     */
    async planClosing(surveyId: string): Promise<ClosingPlan> {
      const survey = await surveys.findStored(surveyId)
      if (survey === null) return { action: 'none' }
      if (clock.now().getTime() < survey.expiresAt.getTime())
        return { action: 'wait', until: survey.expiresAt }
      if (survey.delivery.status === 'scheduled') {
        await surveys.markDropped(surveyId, 'expired')
        return { action: 'none' }
      }
      if (survey.delivery.status !== 'sent' || survey.answer !== null) return { action: 'none' }
      if (!(await surveys.markClosed(surveyId))) return { action: 'none' }
      return { action: 'close', survey, customer: await customers.get(survey.customerId) }
    },

    /** The survey behind a button; refuses an unknown reference with NPS.SURVEY_NOT_FOUND. */
    surveyOfRef,

    /**
     * Takes a score tap of a Telegram user: only the survey's own customer, once, before it
     * expires (NPS.* refusals otherwise; a repeated tap returns the first score, `recorded: false`).
     */
    async answer(ref: string, telegramId: number, input: string): Promise<ScoreOutcome> {
      const [survey, customer] = await Promise.all([surveyOfRef(ref), customerOfTelegram(telegramId)])
      return rules.answer(survey.id, customer.id, input, survey)
    },

    /** Stores the "why?" comment whole (a Telegram message is at most 4096 characters). */
    async comment(ref: string, telegramId: number, text: string): Promise<void> {
      const [survey, customer] = await Promise.all([surveyOfRef(ref), customerOfTelegram(telegramId)])
      await rules.comment(survey.id, customer.id, text)
    },

    /**
     * Opens the feedback thread of a detractor's score at once, awaiting the comment; null for
     * other answers. A second call returns the same thread. `answered` is the survey as the score
     * tap just stored it; read by `ref` when absent.
     */
    async openFeedback(ref: string, answered?: NpsSurvey): Promise<FeedbackDetails | null> {
      const survey = answered ?? (await surveyOfRef(ref))
      const answer = survey.answer
      if (answer === null || npsCategory(answer.score) !== 'detractor') return null
      const opened = await feedback.open({
        ref: surveyRefOf(survey.id),
        surveyId: survey.id,
        customerId: survey.customerId,
        score: answer.score,
        outletId: survey.outletId,
        staffId: survey.staffId,
        createdAt: clock.now(),
      })
      return feedbackDetails(opened)
    },

    /**
     * The "why?" step is over: the detractor's thread takes the stored comment (or none). Null
     * when there is no thread or it was finished before, so owners are updated once.
     */
    async finishFeedback(ref: string): Promise<FeedbackDetails | null> {
      const survey = await surveyOfRef(ref)
      const finished = await feedback.finishComment(survey.ref, survey.answer?.comment ?? null)
      return finished ? feedbackDetails(finished) : null
    },

    feedbackDetails,

    findFeedback: (ref: string) => feedback.find(ref),
    addAlert: feedback.addAlert,

    /** The owner's reply, stored once: `written: false` means another owner replied first. */
    replyToFeedback: (ref: string, owner: FeedbackHandler, text: string): Promise<ThreadWrite> =>
      feedback.recordReply(ref, owner, text.trim(), clock.now()),

    /** The customer's answer to the owner's reply, stored once; null when the thread is not theirs. */
    async answerReply(ref: string, telegramId: number, text: string): Promise<ThreadWrite> {
      const customer = await customers.findByTelegramId(telegramId)
      if (customer === null) return null
      const thread = await feedback.find(ref)
      if (thread === null || thread.customerId !== customer.id) return null
      return feedback.recordCustomerAnswer(ref, customer.id, text.trim(), clock.now())
    },

    /** Whether this Telegram user is the customer of the thread. */
    async isThreadCustomer(thread: Feedback, telegramId: number): Promise<boolean> {
      const customer = await customers.findByTelegramId(telegramId)
      return customer !== null && customer.id === thread.customerId
    },

    /** The customer's referral code, for the invite link offered to a promoter; null after /forget. */
    async referralCodeOf(telegramId: number): Promise<string | null> {
      const customer = await customers.findByTelegramId(telegramId)
      return customer && customer.erasedAt === null ? customer.referralCode : null
    },

    staffLabel,

    /** NPS of the period with counts, split by outlet, staff member and touchpoint. */
    report: createNpsReport({ surveys, clock, program }),
  }
}

/** The service made by {@link createNpsFeedbackService}. */
export type NpsFeedbackService = ReturnType<typeof createNpsFeedbackService>
