import { Schema, Types, type Connection } from 'mongoose'
import type { Birthday } from '../domain/birthday.ts'
import type { CustomerAccounts, LoyaltyAccount } from '../domain/ports/customer-accounts.ts'
import type { StampCard } from '../domain/stamps.ts'
import { isDuplicateKey } from './processed-updates.ts'
import { newCardToken, newManualCode, newReferralCode, normalizeManualCode } from './random-codes.ts'

/** Message categories a customer can turn off one by one (Settings). Transactional ones are not here. */
export const CONSENT_CATEGORIES = ['nps', 'birthday', 'holidays', 'promotions', 'reminders'] as const
export type ConsentCategory = (typeof CONSENT_CATEGORIES)[number]
export type Consents = Readonly<Record<ConsentCategory, boolean>>

/** Everyone joins with every category on; each can be turned off in Settings. */
export const DEFAULT_CONSENTS: Consents = Object.freeze({
  nps: true,
  birthday: true,
  holidays: true,
  promotions: true,
  reminders: true,
})

/** The full customer record. Personal fields are null after /forget (`erasedAt` set). */
export interface Customer {
  /** Stable id (hex), used by the ledger and purchases. */
  readonly id: string
  /** Null only after /forget: the person may then join again as a new customer. */
  readonly telegramId: number | null
  /** Private chat with the bot, for messages the customer did not ask for. */
  readonly chatId: number | null
  readonly name: string
  /** Digits with a leading "+", from Telegram's contact button only. */
  readonly phone: string | null
  readonly birthday: Birthday | null
  /** When the birthday was last changed after first being set (null: never changed). */
  readonly birthdayChangedAt: Date | null
  readonly language: string
  readonly consents: Consents
  /** Holiday ids the customer does not want to be greeted on. */
  readonly holidayOptOuts: readonly string[]
  /** Personal code of the invite link `?start=r-<code>`. */
  readonly referralCode: string
  /** Id of the customer who invited this one; null when they came on their own. */
  readonly invitedBy: string | null
  /** Secret of the QR deep link `?start=c-<token>`; re-issuing replaces it at once. */
  readonly cardToken: string
  /** Short code staff can type when the QR cannot be scanned; re-issued with the token. */
  readonly manualCode: string
  readonly tierId: string
  readonly tierChangedAt: Date | null
  readonly stampCard: StampCard
  /** When the rules were accepted during the join. */
  readonly rulesAcceptedAt: Date | null
  /** Null while the join is unfinished: the customer is not a member yet. */
  readonly joinedAt: Date | null
  /** False after Telegram answered 403 (the bot was blocked). */
  readonly reachable: boolean
  readonly erasedAt: Date | null
  readonly createdAt: Date
  readonly updatedAt: Date
}

/** What the join knows before it starts. */
export interface NewCustomer {
  readonly telegramId: number
  readonly chatId: number
  /** Prefilled from Telegram; the join may change it. */
  readonly name: string
  readonly language: string
  /** The program's first tier. */
  readonly tierId: string
}

/** Editable profile fields; absent keys stay as they are. */
export interface ProfilePatch {
  readonly name?: string
  readonly phone?: string | null
  readonly language?: string
  readonly chatId?: number
  readonly rulesAcceptedAt?: Date
}

/**
 * Customers in MongoDB. Implements the domain's {@link CustomerAccounts} port and everything the
 * customer and staff features need. Unique indexes: telegramId (sparse, released by /forget),
 * cardToken, manualCode, referralCode.
 */
export interface CustomerRepository extends CustomerAccounts {
  /** The full record, erased ones included; null for an unknown or malformed id. */
  get(customerId: string): Promise<Customer | null>
  findByTelegramId(telegramId: number): Promise<Customer | null>
  /** The customer whose current card token this is; an old (re-issued) token finds nobody. */
  findByCardToken(token: string): Promise<Customer | null>
  /** Accepts the code as typed ("7kq2-mxh9", Cyrillic look-alikes); null when it matches nobody. */
  findByManualCode(input: string): Promise<Customer | null>
  findByReferralCode(code: string): Promise<Customer | null>
  /**
   * The record of this Telegram user, created (not joined yet, `joinedAt` null) when there is none;
   * concurrent calls for one user return the same record. Draws fresh codes, retrying on a clash.
   */
  ensure(customer: NewCustomer): Promise<Customer>
  updateProfile(customerId: string, patch: ProfilePatch): Promise<Customer | null>
  /** Stores the birthday; `changedAt` is null when it is set for the first time. */
  setBirthday(customerId: string, birthday: Birthday, changedAt: Date | null): Promise<Customer | null>
  /** Marks the join finished, once: a second call keeps the first `joinedAt`. Returns the record. */
  markJoined(customerId: string, at: Date): Promise<Customer | null>
  /** Sets the inviter only while none is set (compare-and-set); false when one already was. */
  attachInviter(customerId: string, inviterId: string): Promise<boolean>
  /** Draws a new card token and manual code; the old ones stop working at once. */
  reissueCard(customerId: string): Promise<Customer | null>
  setConsent(customerId: string, category: ConsentCategory, allowed: boolean): Promise<Customer | null>
  setHolidayOptOut(customerId: string, holidayId: string, optedOut: boolean): Promise<Customer | null>
  /**
   * Replaces the stamp card only if it still equals `expected` (compare-and-set), so two cashiers
   * stamping at once cannot lose a stamp; false when it changed meanwhile (read again and retry).
   */
  replaceStampCard(customerId: string, expected: StampCard, next: StampCard): Promise<boolean>
  /** False after Telegram said the bot is blocked; true again when the customer writes. */
  setReachable(customerId: string, reachable: boolean): Promise<void>
  /**
   * Erases personal data (name, phone, birthday, chat, Telegram id, codes stop working) and keeps
   * the record's id, tier and ledger so totals stay right. The Telegram user may join again.
   */
  erase(customerId: string, at: Date): Promise<void>
}

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
      return customer
        ? {
            id: customer.id,
            tierId: customer.tierId,
            invitedBy: customer.invitedBy,
            erased: customer.erasedAt !== null,
          }
        : null
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
