import { Schema, type Connection } from 'mongoose'

/** An owner's alert message about a feedback, so it can be marked handled for everyone. */
export interface FeedbackAlert {
  readonly chatId: number
  readonly messageId: number
  readonly lang: string
}

/** Who answered the customer. */
export interface FeedbackHandler {
  readonly telegramId: number
  readonly name: string
}

/**
 * A detractor's feedback and its short thread: the customer's comment -> one owner's reply ->
 * one answer of the customer. Not an open chat: each side writes once.
 */
export interface Feedback {
  /** The survey's short reference (also what the Reply buttons carry). */
  readonly ref: string
  readonly surveyId: string
  readonly customerId: string
  readonly score: number
  readonly comment: string | null
  /** True from the score until the "why?" step ends (comment, Skip, or the customer moved on). */
  readonly awaitingComment: boolean
  readonly outletId: string
  readonly staffId: string | null
  readonly createdAt: Date
  readonly alerts: readonly FeedbackAlert[]
  /** Set by the first owner whose reply went out; the feedback is handled from then on. */
  readonly handledBy: FeedbackHandler | null
  readonly handledAt: Date | null
  readonly reply: string | null
  readonly customerAnswer: string | null
  readonly customerAnsweredAt: Date | null
}

/** What is known right after the score (the comment comes later, see `finishComment`). */
export type NewFeedback = Pick<
  Feedback,
  'ref' | 'surveyId' | 'customerId' | 'score' | 'outletId' | 'staffId' | 'createdAt'
>

/** The outcome of a compare-and-set on the thread: whether this call wrote, and the feedback as stored. */
export type ThreadWrite = { readonly written: boolean; readonly feedback: Feedback } | null

/** Feedback threads in MongoDB (`nps_feedback`, `_id` = survey ref). */
export interface FeedbackRepository {
  /** Stores the feedback once, awaiting its comment; a second call returns the first one unchanged. */
  open(feedback: NewFeedback): Promise<Feedback>
  /** Ends the wait for the comment once (null: none given); null when there was no wait. */
  finishComment(ref: string, comment: string | null): Promise<Feedback | null>
  find(ref: string): Promise<Feedback | null>
  addAlert(ref: string, alert: FeedbackAlert): Promise<void>
  /** Stores the owner's reply only while nobody replied (compare-and-set). */
  recordReply(ref: string, handler: FeedbackHandler, text: string, at: Date): Promise<ThreadWrite>
  /** Stores the customer's answer to the reply once, only after a reply and only from that customer. */
  recordCustomerAnswer(ref: string, customerId: string, text: string, at: Date): Promise<ThreadWrite>
  /** /forget: drops the texts of the customer's threads; scores and handling marks stay. */
  erasePersonalData(customerId: string): Promise<void>
}

interface FeedbackDoc extends Omit<Feedback, 'ref' | 'alerts' | 'handledBy'> {
  _id: string
  alerts: FeedbackAlert[]
  handledBy: FeedbackHandler | null
}

const schema = new Schema<FeedbackDoc>(
  {
    _id: { type: String, required: true },
    surveyId: { type: String, required: true },
    customerId: { type: String, required: true, index: true },
    score: { type: Number, required: true },
    comment: { type: String, default: null },
    awaitingComment: { type: Boolean, default: false },
    outletId: { type: String, required: true },
    staffId: { type: String, default: null },
    createdAt: { type: Date, required: true },
    alerts: {
      type: [new Schema({ chatId: Number, messageId: Number, lang: String }, { _id: false })],
      default: [],
    },
    handledBy: {
      type: new Schema({ telegramId: Number, name: String }, { _id: false }),
      default: null,
    },
    handledAt: { type: Date, default: null },
    reply: { type: String, default: null },
    customerAnswer: { type: String, default: null },
    customerAnsweredAt: { type: Date, default: null },
  },
  { versionKey: false, minimize: false },
)

function toFeedback(doc: FeedbackDoc): Feedback {
  return {
    ref: doc._id,
    surveyId: doc.surveyId,
    customerId: doc.customerId,
    score: doc.score,
    comment: doc.comment ?? null,
    awaitingComment: doc.awaitingComment ?? false,
    outletId: doc.outletId,
    staffId: doc.staffId ?? null,
    createdAt: doc.createdAt,
    alerts: (doc.alerts ?? []).map((alert) => ({
      chatId: alert.chatId,
      messageId: alert.messageId,
      lang: alert.lang,
    })),
    handledBy: doc.handledBy ? { telegramId: doc.handledBy.telegramId, name: doc.handledBy.name } : null,
    handledAt: doc.handledAt ?? null,
    reply: doc.reply ?? null,
    customerAnswer: doc.customerAnswer ?? null,
    customerAnsweredAt: doc.customerAnsweredAt ?? null,
  }
}

/** Builds the repository and waits for its indexes. */
export async function createFeedbackRepository(connection: Connection): Promise<FeedbackRepository> {
  const model = connection.model<FeedbackDoc>('NpsFeedback', schema, 'nps_feedback')
  await model.init()
  const find = async (ref: string) => {
    const doc = await model.findById(ref).lean<FeedbackDoc>()
    return doc ? toFeedback(doc) : null
  }
  /** Applies `set` where `filter` still holds; reports whether it did and the stored feedback. */
  const compareAndSet = async (
    ref: string,
    filter: Record<string, unknown>,
    set: Record<string, unknown>,
  ): Promise<ThreadWrite> => {
    const doc = await model
      .findOneAndUpdate({ _id: ref, ...filter }, { $set: set }, { returnDocument: 'after' })
      .lean<FeedbackDoc>()
    if (doc) return { written: true, feedback: toFeedback(doc) }
    const found = await find(ref)
    return found ? { written: false, feedback: found } : null
  }

  return {
    async erasePersonalData(customerId) {
      await model.updateMany({ customerId }, { $set: { comment: null, reply: null, customerAnswer: null } })
    },
    async open(feedback) {
      const { ref, ...rest } = feedback
      await model.updateOne(
        { _id: ref },
        {
          $setOnInsert: {
            ...rest,
            comment: null,
            awaitingComment: true,
            alerts: [],
            handledBy: null,
            handledAt: null,
            reply: null,
            customerAnswer: null,
            customerAnsweredAt: null,
          },
        },
        { upsert: true },
      )
      const stored = await find(ref)
      if (!stored) throw new Error(`feedback ${ref} vanished right after being stored`)
      return stored
    },
    find,
    async finishComment(ref, comment) {
      const result = await compareAndSet(ref, { awaitingComment: true }, { awaitingComment: false, comment })
      return result?.written ? result.feedback : null
    },
    async addAlert(ref, alert) {
      await model.updateOne({ _id: ref }, { $push: { alerts: alert } })
    },
    recordReply: (ref, handler, text, at) =>
      compareAndSet(ref, { handledBy: null }, { handledBy: handler, handledAt: at, reply: text }),
    recordCustomerAnswer: (ref, customerId, text, at) =>
      compareAndSet(
        ref,
        { customerId, handledBy: { $ne: null }, customerAnswer: null },
        { customerAnswer: text, customerAnsweredAt: at },
      ),
  }
}
