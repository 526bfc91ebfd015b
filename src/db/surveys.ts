import { createHash } from 'node:crypto'
import { Schema, type Connection } from 'mongoose'
import { isNpsScore, type NpsScore } from '../domain/nps.ts'
import type { NpsSurvey, SurveyRepository } from '../domain/ports/survey-repository.ts'
import { isDuplicateKey } from './processed-updates.ts'

/**
 * Where a survey is on its way to the customer:
 * scheduled (queued in the outbox, which sends it once) -> sent -> closed (expired unanswered,
 * its buttons taken away), or dropped (the outbox's reason: no consent, unreachable, expired).
 */
export type DeliveryStatus = 'scheduled' | 'sent' | 'closed' | 'dropped'

/** Why a survey was not sent. */
export type DropReason = 'disabled' | 'opted_out' | 'no_consent' | 'unreachable' | 'expired' | 'failed'

/** A survey with its delivery state and its short reference (the one buttons carry). */
export interface StoredSurvey extends NpsSurvey {
  /** 20 hex characters derived from the id: fits a callback button, unguessable enough to forge nothing. */
  readonly ref: string
  readonly delivery: {
    readonly status: DeliveryStatus
    readonly chatId: number | null
    readonly messageId: number | null
    readonly sentAt: Date | null
    /** Set when quiet hours pushed the survey to the morning. */
    readonly deferredUntil: Date | null
    readonly dropReason: DropReason | null
  }
}

/** Answers counted together: same outlet, staff member, touchpoint and score. */
export interface AnswerGroup {
  readonly outletId: string
  readonly staffId: string | null
  readonly touchpoint: string
  readonly score: NpsScore
  readonly count: number
}

/** The survey repository of the domain plus delivery bookkeeping and the `/nps` aggregation. */
export interface MongoSurveyRepository extends SurveyRepository {
  findByRef(ref: string): Promise<StoredSurvey | null>
  findStored(surveyId: string): Promise<StoredSurvey | null>
  /** scheduled -> sent, with the message whose buttons carry the score. */
  markSent(surveyId: string, chatId: number, messageId: number, at: Date): Promise<void>
  /** Remembers that quiet hours (or a failed send) pushed the survey to `until` (still scheduled). */
  markDeferred(surveyId: string, until: Date): Promise<void>
  /** sent -> closed, only while unanswered; false when answered or closed already. */
  markClosed(surveyId: string): Promise<boolean>
  /** Any open state -> dropped, with the reason. */
  markDropped(surveyId: string, reason: DropReason): Promise<void>
  /** Answered surveys with answeredAt in [from, to] (to = now), counted per outlet, staff member, touchpoint and score. */
  answerGroups(from: Date, to: Date): Promise<AnswerGroup[]>
  /** /forget: drops the customer's comments and chat ids; scores stay for the NPS figures. */
  erasePersonalData(customerId: string): Promise<void>
}

/** The short reference of a survey id, carried by its buttons. */
export function surveyRefOf(surveyId: string): string {
  return createHash('sha256').update(surveyId).digest('hex').slice(0, 20)
}

interface AnswerDoc {
  score: number
  answeredAt: Date
  comment: string | null
}

interface SurveyDoc {
  _id: string
  ref: string
  customerId: string
  purchaseId: string | null
  outletId: string
  staffId: string | null
  touchpoint: string
  createdAt: Date
  sendAt: Date
  expiresAt: Date
  answer: AnswerDoc | null
  delivery: StoredSurvey['delivery']
}

/** One row per customer: when their last survey was created, the lock behind "one per cooldown". */
interface CooldownDoc {
  _id: string
  lastCreatedAt: Date
  surveyId: string
}

const answerSchema = new Schema<AnswerDoc>(
  {
    score: { type: Number, required: true },
    answeredAt: { type: Date, required: true },
    comment: { type: String, default: null },
  },
  { _id: false },
)

const surveySchema = new Schema<SurveyDoc>(
  {
    _id: { type: String, required: true },
    ref: { type: String, required: true, unique: true },
    customerId: { type: String, required: true, index: true },
    purchaseId: { type: String, default: null },
    outletId: { type: String, required: true },
    staffId: { type: String, default: null },
    touchpoint: { type: String, required: true },
    createdAt: { type: Date, required: true },
    sendAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    answer: { type: answerSchema, default: null },
    delivery: {
      status: { type: String, required: true },
      chatId: { type: Number, default: null },
      messageId: { type: Number, default: null },
      sentAt: { type: Date, default: null },
      deferredUntil: { type: Date, default: null },
      dropReason: { type: String, default: null },
    },
  },
  { versionKey: false, minimize: false },
)
surveySchema.index({ 'answer.answeredAt': 1 })

const cooldownSchema = new Schema<CooldownDoc>(
  {
    _id: { type: String, required: true },
    lastCreatedAt: { type: Date, required: true },
    surveyId: { type: String, required: true },
  },
  { versionKey: false },
)

function toSurvey(doc: SurveyDoc): StoredSurvey {
  const answer = doc.answer
  if (answer && !isNpsScore(answer.score))
    throw new RangeError(`survey ${doc._id} holds score ${answer.score}`)
  return {
    id: doc._id,
    ref: doc.ref,
    customerId: doc.customerId,
    purchaseId: doc.purchaseId ?? null,
    outletId: doc.outletId,
    staffId: doc.staffId ?? null,
    touchpoint: doc.touchpoint,
    createdAt: doc.createdAt,
    sendAt: doc.sendAt,
    expiresAt: doc.expiresAt,
    answer: answer
      ? { score: answer.score as NpsScore, answeredAt: answer.answeredAt, comment: answer.comment ?? null }
      : null,
    delivery: {
      status: doc.delivery.status,
      chatId: doc.delivery.chatId ?? null,
      messageId: doc.delivery.messageId ?? null,
      sentAt: doc.delivery.sentAt ?? null,
      deferredUntil: doc.delivery.deferredUntil ?? null,
      dropReason: doc.delivery.dropReason ?? null,
    },
  }
}

/**
 * Surveys in MongoDB (`nps_surveys`, `_id` = survey id) and the per-customer cooldown lock
 * (`nps_cooldowns`). Creating is atomic per customer: the cooldown row is moved forward with a
 * compare-and-set, so two purchases recorded at once schedule one survey.
 */
export async function createSurveyRepository(connection: Connection): Promise<MongoSurveyRepository> {
  const surveys = connection.model<SurveyDoc>('NpsSurvey', surveySchema, 'nps_surveys')
  const cooldowns = connection.model<CooldownDoc>('NpsCooldown', cooldownSchema, 'nps_cooldowns')
  await Promise.all([surveys.init(), cooldowns.init()])

  const findStored = async (surveyId: string) => {
    const doc = await surveys.findById(surveyId).lean<SurveyDoc>()
    return doc ? toSurvey(doc) : null
  }
  const setDelivery = (surveyId: string, filter: Record<string, unknown>, set: Record<string, unknown>) =>
    surveys.updateOne({ _id: surveyId, ...filter }, { $set: set })

  return {
    async erasePersonalData(customerId) {
      await surveys.updateMany(
        { customerId, 'answer.comment': { $ne: null } },
        { $set: { 'answer.comment': null } },
      )
      await surveys.updateMany({ customerId }, { $set: { 'delivery.chatId': null } })
    },
    async createIfNoneSince(survey, since) {
      const existing = await findStored(survey.id)
      if (existing) return existing
      try {
        // Matches when the last survey is old enough, or when it is this very survey (a retry);
        // otherwise the upsert collides on _id: the customer is within the cooldown.
        await cooldowns.updateOne(
          { _id: survey.customerId, $or: [{ lastCreatedAt: { $lte: since } }, { surveyId: survey.id }] },
          { $set: { lastCreatedAt: survey.createdAt, surveyId: survey.id } },
          { upsert: true },
        )
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
        // Another survey holds the cooldown. This one was not stored a moment ago, and a racing
        // retry of it would have matched the row by its id instead of colliding: it does not exist.
        return null
      }
      const doc: SurveyDoc = {
        _id: survey.id,
        ref: surveyRefOf(survey.id),
        customerId: survey.customerId,
        purchaseId: survey.purchaseId,
        outletId: survey.outletId,
        staffId: survey.staffId,
        touchpoint: survey.touchpoint,
        createdAt: survey.createdAt,
        sendAt: survey.sendAt,
        expiresAt: survey.expiresAt,
        answer: null,
        delivery: {
          status: 'scheduled',
          chatId: null,
          messageId: null,
          sentAt: null,
          deferredUntil: null,
          dropReason: null,
        },
      }
      await surveys.updateOne({ _id: survey.id }, { $setOnInsert: doc }, { upsert: true })
      return findStored(survey.id)
    },
    findById: findStored,
    findStored,
    async findByRef(ref) {
      if (!/^[0-9a-f]{20}$/.test(ref)) return null
      const doc = await surveys.findOne({ ref }).lean<SurveyDoc>()
      return doc ? toSurvey(doc) : null
    },
    async recordScore(surveyId, score, at) {
      const updated = await surveys
        .findOneAndUpdate(
          { _id: surveyId, answer: null },
          { $set: { answer: { score, answeredAt: at, comment: null } } },
          { returnDocument: 'after' },
        )
        .lean<SurveyDoc>()
      if (updated) return { survey: toSurvey(updated), recorded: true }
      const found = await findStored(surveyId)
      return found ? { survey: found, recorded: false } : null
    },
    async recordComment(surveyId, comment) {
      const updated = await surveys
        .findOneAndUpdate(
          { _id: surveyId, answer: { $ne: null }, 'answer.comment': null },
          { $set: { 'answer.comment': comment } },
          { returnDocument: 'after' },
        )
        .lean<SurveyDoc>()
      return updated ? toSurvey(updated) : findStored(surveyId)
    },
    async markSent(surveyId, chatId, messageId, at) {
      await setDelivery(
        surveyId,
        { 'delivery.status': 'scheduled' },
        {
          'delivery.status': 'sent',
          'delivery.chatId': chatId,
          'delivery.messageId': messageId,
          'delivery.sentAt': at,
        },
      )
    },
    async markDeferred(surveyId, until) {
      await setDelivery(surveyId, { 'delivery.status': 'scheduled' }, { 'delivery.deferredUntil': until })
    },
    async markClosed(surveyId) {
      const result = await setDelivery(
        surveyId,
        { 'delivery.status': 'sent', answer: null },
        { 'delivery.status': 'closed' },
      )
      return result.modifiedCount === 1
    },
    async markDropped(surveyId, reason) {
      await setDelivery(
        surveyId,
        { 'delivery.status': 'scheduled' },
        { 'delivery.status': 'dropped', 'delivery.dropReason': reason },
      )
    },
    async answerGroups(from, to) {
      const rows = await surveys.aggregate<{
        _id: { outletId: string; staffId: string | null; touchpoint: string; score: number }
        count: number
      }>([
        { $match: { answer: { $ne: null }, 'answer.answeredAt': { $gte: from, $lte: to } } },
        {
          $group: {
            _id: {
              outletId: '$outletId',
              staffId: '$staffId',
              touchpoint: '$touchpoint',
              score: '$answer.score',
            },
            count: { $sum: 1 },
          },
        },
        { $sort: { '_id.outletId': 1, '_id.staffId': 1, '_id.touchpoint': 1, '_id.score': 1 } },
      ])
      return rows
        .filter((row) => isNpsScore(row._id.score))
        .map((row) => ({
          outletId: row._id.outletId,
          staffId: row._id.staffId ?? null,
          touchpoint: row._id.touchpoint,
          score: row._id.score as NpsScore,
          count: row.count,
        }))
    },
  }
}
