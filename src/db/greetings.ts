import { Schema, type Connection } from 'mongoose'

/**
 * What the greeting and reminder jobs read besides the customer repository: who to look at, when
 * they bought, and the answers to the sensitive-holiday question (kept for good).
 */
export interface GreetingsRepository {
  /** Ids of members who finished the join, were not erased and did not block the bot. */
  memberIds(): Promise<string[]>
  /** Ids of people who started the join before `createdBefore` and never finished it. */
  unfinishedJoinIds(createdBefore: Date): Promise<string[]>
  /** When the customer's purchases that were not undone happened, oldest first. */
  purchaseDates(customerId: string): Promise<Date[]>
  /** The customer's answer to "do you want a greeting on this holiday?"; undefined when never asked or unanswered. */
  holidayAnswer(customerId: string, holidayId: string): Promise<boolean | undefined>
  saveHolidayAnswer(customerId: string, holidayId: string, wants: boolean, at: Date): Promise<void>
}

interface HolidayAnswerDoc {
  _id: string
  customerId: string
  holidayId: string
  wants: boolean
  answeredAt: Date
}

const answerSchema = new Schema<HolidayAnswerDoc>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    holidayId: { type: String, required: true },
    wants: { type: Boolean, required: true },
    answeredAt: { type: Date, required: true },
  },
  { versionKey: false },
)

const answerId = (customerId: string, holidayId: string) => `${customerId}:${holidayId}`

/**
 * Builds the repository. Customers and purchases are read straight from their collections
 * (`customers`, `purchases`, owned by src/db/customers.ts and purchases.ts): the jobs only list ids
 * and dates and then go through the customer repository for the record.
 */
export async function createGreetingsRepository(connection: Connection): Promise<GreetingsRepository> {
  const db = connection.db
  if (!db) throw new Error('database connection is not open')
  const answers = connection.model<HolidayAnswerDoc>('HolidayAnswer', answerSchema, 'holiday_answers')
  await answers.init()
  const customers = db.collection('customers')
  const purchases = db.collection<{ customerId: string; createdAt: Date; voidedAt?: Date | null }>(
    'purchases',
  )
  return {
    async memberIds() {
      const docs = await customers
        .find(
          { joinedAt: { $ne: null }, erasedAt: null, reachable: { $ne: false } },
          { projection: { _id: 1 } },
        )
        .toArray()
      return docs.map((doc) => String(doc._id))
    },
    async unfinishedJoinIds(createdBefore) {
      const docs = await customers
        .find(
          { joinedAt: null, erasedAt: null, reachable: { $ne: false }, createdAt: { $lte: createdBefore } },
          { projection: { _id: 1 } },
        )
        .toArray()
      return docs.map((doc) => String(doc._id))
    },
    async purchaseDates(customerId) {
      const docs = await purchases
        .find({ customerId, voidedAt: null }, { projection: { createdAt: 1 } })
        .sort({ createdAt: 1 })
        .toArray()
      return docs.map((doc) => doc.createdAt)
    },
    async holidayAnswer(customerId, holidayId) {
      const doc = await answers.findById(answerId(customerId, holidayId)).lean<HolidayAnswerDoc>()
      return doc?.wants
    },
    async saveHolidayAnswer(customerId, holidayId, wants, at) {
      await answers.updateOne(
        { _id: answerId(customerId, holidayId) },
        { $set: { customerId, holidayId, wants, answeredAt: at } },
        { upsert: true },
      )
    },
  }
}
