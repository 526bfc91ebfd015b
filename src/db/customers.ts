import { Schema, Types, type Connection } from 'mongoose'
import type { LoyaltyAccount } from '../domain/ports/customer-accounts.ts'
import {
  DEFAULT_CONSENTS,
  type ConsentCategory,
  type Customer,
  type CustomerRepository,
  loyaltyAccountOf,
} from './customer-record.ts'
import { isDuplicateKey } from './processed-updates.ts'
import { newCardToken, newManualCode, newReferralCode, normalizeManualCode } from './random-codes.ts'

export {
  CONSENT_CATEGORIES,
  DEFAULT_CONSENTS,
  type ConsentCategory,
  type Consents,
  type Customer,
  type CustomerRepository,
  loyaltyAccountOf,
  type NewCustomer,
  type ProfilePatch,
} from './customer-record.ts'

interface CustomerDoc {
  _id: Types.ObjectId
  telegramId?: number
  chatId: number | null
  name: string
  phone: string | null
  birthday: { day: number; month: number; year: number | null } | null
  birthdayChangedAt: Date | null
  language: string
  consents: Record<ConsentCategory, boolean>
  holidayOptOuts: string[]
  referralCode: string
  invitedBy: string | null
  cardToken: string
  manualCode: string
  tierId: string
  tierChangedAt: Date | null
  stampCard: { stamps: number; rewardsAvailable: number }
  rulesAcceptedAt: Date | null
  joinedAt: Date | null
  reachable: boolean
  lastSurveyAt?: Date | null
  erasedAt: Date | null
  createdAt: Date
  updatedAt: Date
}

const schema = new Schema<CustomerDoc>(
  {
    telegramId: { type: Number, unique: true, sparse: true },
    chatId: { type: Number, default: null },
    name: { type: String, default: '' },
    phone: { type: String, default: null },
    birthday: {
      type: new Schema({ day: Number, month: Number, year: { type: Number, default: null } }, { _id: false }),
      default: null,
    },
    birthdayChangedAt: { type: Date, default: null },
    language: { type: String, required: true },
    consents: {
      nps: { type: Boolean, default: true },
      birthday: { type: Boolean, default: true },
      holidays: { type: Boolean, default: true },
      promotions: { type: Boolean, default: true },
      reminders: { type: Boolean, default: true },
    },
    holidayOptOuts: { type: [String], default: [] },
    referralCode: { type: String, required: true, unique: true },
    invitedBy: { type: String, default: null, index: true },
    cardToken: { type: String, required: true, unique: true },
    manualCode: { type: String, required: true, unique: true },
    tierId: { type: String, required: true },
    tierChangedAt: { type: Date, default: null },
    stampCard: {
      stamps: { type: Number, default: 0 },
      rewardsAvailable: { type: Number, default: 0 },
    },
    rulesAcceptedAt: { type: Date, default: null },
    joinedAt: { type: Date, default: null },
    reachable: { type: Boolean, default: true },
    lastSurveyAt: { type: Date, default: null },
    erasedAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false, minimize: false },
)

/** How many times fresh codes are drawn when one clashes with an existing customer's. */
const CODE_ATTEMPTS = 5

function toCustomer(doc: CustomerDoc): Customer {
  return {
    id: doc._id.toHexString(),
    telegramId: doc.telegramId ?? null,
    chatId: doc.chatId ?? null,
    name: doc.name,
    phone: doc.phone ?? null,
    birthday: doc.birthday
      ? { day: doc.birthday.day, month: doc.birthday.month, year: doc.birthday.year ?? null }
      : null,
    birthdayChangedAt: doc.birthdayChangedAt ?? null,
    language: doc.language,
    consents: { ...DEFAULT_CONSENTS, ...doc.consents },
    holidayOptOuts: [...(doc.holidayOptOuts ?? [])],
    referralCode: doc.referralCode,
    invitedBy: doc.invitedBy ?? null,
    cardToken: doc.cardToken,
    manualCode: doc.manualCode,
    tierId: doc.tierId,
    tierChangedAt: doc.tierChangedAt ?? null,
    stampCard: { stamps: doc.stampCard?.stamps ?? 0, rewardsAvailable: doc.stampCard?.rewardsAvailable ?? 0 },
    rulesAcceptedAt: doc.rulesAcceptedAt ?? null,
    joinedAt: doc.joinedAt ?? null,
    reachable: doc.reachable ?? true,
    lastSurveyAt: doc.lastSurveyAt ?? null,
    erasedAt: doc.erasedAt ?? null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  }
}

/** The ObjectId of a customer id, or null when it is not one (a forged or stale reference). */
function objectId(customerId: string): Types.ObjectId | null {
  return Types.ObjectId.isValid(customerId) && /^[0-9a-f]{24}$/i.test(customerId)
    ? new Types.ObjectId(customerId)
    : null
}

/** Builds the repository and waits for its indexes, so uniqueness holds from the first write. */
export async function createCustomerRepository(connection: Connection): Promise<CustomerRepository> {
  const model = connection.model<CustomerDoc>('Customer', schema, 'customers')
  await model.init()

  const byId = async (customerId: string) => {
    const _id = objectId(customerId)
    if (_id === null) return null
    const doc = await model.findById(_id).lean<CustomerDoc>()
    return doc ? toCustomer(doc) : null
  }
  const findOne = async (filter: Record<string, unknown>) => {
    const doc = await model.findOne(filter).lean<CustomerDoc>()
    return doc ? toCustomer(doc) : null
  }
  const update = async (customerId: string, change: Record<string, unknown>, extra = {}) => {
    const _id = objectId(customerId)
    if (_id === null) return null
    const doc = await model
      .findOneAndUpdate({ _id, ...extra }, change, { returnDocument: 'after' })
      .lean<CustomerDoc>()
    return doc ? toCustomer(doc) : null
  }

  /** Runs `write` with freshly drawn codes, drawing again when a code (not the Telegram id) clashes. */
  async function withFreshCodes<T>(write: (codes: Record<string, string>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const codes = {
        cardToken: newCardToken(),
        manualCode: newManualCode(),
        referralCode: newReferralCode(),
      }
      try {
        return await write(codes)
      } catch (error) {
        const clashOnCode = isDuplicateKey(error) && !String((error as Error).message).includes('telegramId')
        if (!clashOnCode || attempt >= CODE_ATTEMPTS) throw error
      }
    }
  }

  return {
    async findById(customerId): Promise<LoyaltyAccount | null> {
      const customer = await byId(customerId)
      return customer ? loyaltyAccountOf(customer) : null
    },
    async setTier(customerId, tierId, at) {
      await update(customerId, { $set: { tierId, tierChangedAt: at } })
    },
    get: byId,
    findByTelegramId: (telegramId) => findOne({ telegramId }),
    findByCardToken: (token) =>
      token ? findOne({ cardToken: token, erasedAt: null }) : Promise.resolve(null),
    async findByManualCode(input) {
      const code = normalizeManualCode(input)
      return code === null ? null : findOne({ manualCode: code, erasedAt: null })
    },
    findByReferralCode: (code) =>
      code ? findOne({ referralCode: code, erasedAt: null }) : Promise.resolve(null),

    async ensure(customer) {
      const existing = await findOne({ telegramId: customer.telegramId })
      if (existing) return existing
      try {
        return await withFreshCodes(async (codes) => {
          const doc = await model
            .findOneAndUpdate(
              { telegramId: customer.telegramId },
              {
                $setOnInsert: {
                  telegramId: customer.telegramId,
                  chatId: customer.chatId,
                  name: customer.name,
                  language: customer.language,
                  tierId: customer.tierId,
                  ...codes,
                },
              },
              { upsert: true, returnDocument: 'after', setDefaultsOnInsert: true },
            )
            .lean<CustomerDoc>()
          return toCustomer(doc as CustomerDoc)
        })
      } catch (error) {
        // A concurrent first /start of the same user inserted it first: that record is the one.
        const raced = isDuplicateKey(error) ? await findOne({ telegramId: customer.telegramId }) : null
        if (raced) return raced
        throw error
      }
    },

    async updateProfile(customerId, patch) {
      const set: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(patch)) if (value !== undefined) set[key] = value
      return update(customerId, { $set: set })
    },
    setBirthday: (customerId, birthday, changedAt) =>
      update(customerId, {
        $set: {
          birthday: { day: birthday.day, month: birthday.month, year: birthday.year },
          ...(changedAt ? { birthdayChangedAt: changedAt } : {}),
        },
      }),
    async markJoined(customerId, at) {
      await update(customerId, { $set: { joinedAt: at } }, { joinedAt: null })
      return byId(customerId)
    },
    async attachInviter(customerId, inviterId) {
      return (await update(customerId, { $set: { invitedBy: inviterId } }, { invitedBy: null })) !== null
    },
    reissueCard: (customerId) =>
      withFreshCodes((codes) =>
        update(
          customerId,
          { $set: { cardToken: codes.cardToken, manualCode: codes.manualCode } },
          { erasedAt: null },
        ),
      ),
    setConsent: (customerId, category, allowed) =>
      update(customerId, { $set: { [`consents.${category}`]: allowed } }),
    setHolidayOptOut: (customerId, holidayId, optedOut) =>
      update(
        customerId,
        optedOut ? { $addToSet: { holidayOptOuts: holidayId } } : { $pull: { holidayOptOuts: holidayId } },
      ),
    async replaceStampCard(customerId, expected, next) {
      const updated = await update(
        customerId,
        { $set: { stampCard: { stamps: next.stamps, rewardsAvailable: next.rewardsAvailable } } },
        { 'stampCard.stamps': expected.stamps, 'stampCard.rewardsAvailable': expected.rewardsAvailable },
      )
      return updated !== null
    },
    async setReachable(customerId, reachable) {
      await update(customerId, { $set: { reachable } })
    },
    async noteSurvey(customerId, createdAt) {
      const _id = objectId(customerId)
      if (_id !== null) await model.updateOne({ _id }, { $max: { lastSurveyAt: createdAt } })
    },
    async tierHoldersSetBefore(tierIds, before) {
      const docs = await model
        .find(
          {
            tierId: { $in: [...tierIds] },
            erasedAt: null,
            $or: [{ tierChangedAt: null }, { tierChangedAt: { $lt: before } }],
          },
          { tierId: 1 },
        )
        .lean<Pick<CustomerDoc, '_id' | 'tierId'>[]>()
      return docs.map((doc) => ({ id: doc._id.toHexString(), tierId: doc.tierId }))
    },
    moveTier: (customerId, from, to, at) =>
      update(customerId, { $set: { tierId: to, tierChangedAt: at } }, { tierId: from }),
    async erase(customerId, at) {
      // Codes are replaced by fresh random ones nobody knows: the unique indexes stay satisfied and
      // the old card, manual code and invite link stop working.
      await withFreshCodes((codes) =>
        update(customerId, {
          $set: {
            ...codes,
            name: '',
            phone: null,
            birthday: null,
            birthdayChangedAt: null,
            chatId: null,
            holidayOptOuts: [],
            reachable: false,
            erasedAt: at,
          },
          $unset: { telegramId: 1 },
        }),
      )
    },
  }
}
