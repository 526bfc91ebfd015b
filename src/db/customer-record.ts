import type { Birthday } from '../domain/birthday.ts'
import type { CustomerAccounts, LoyaltyAccount } from '../domain/ports/customer-accounts.ts'
import type { StampCard } from '../domain/stamps.ts'

/*
 * The customer record and its repository contract; src/db/customers.ts implements it on MongoDB.
 * Staff, NPS and job code import the types from here (or from customers.ts, which re-exports them).
 */

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
  /**
   * When the customer's latest NPS survey was created, noted once it was fully scheduled: lets a
   * purchase within the cooldown skip the survey step without asking `nps_cooldowns`, which stays
   * the authority (a survey made elsewhere is simply not noted here). Null: none noted.
   */
  readonly lastSurveyAt: Date | null
  readonly erasedAt: Date | null
  readonly createdAt: Date
  readonly updatedAt: Date
}

/** The part of a customer record the loyalty rules read (the ledger's view of it). */
export function loyaltyAccountOf(customer: Customer): LoyaltyAccount {
  return {
    id: customer.id,
    tierId: customer.tierId,
    invitedBy: customer.invitedBy,
    erased: customer.erasedAt !== null,
  }
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
  /** Notes a fully scheduled survey's creation time (`lastSurveyAt` only ever moves forward). */
  noteSurvey(customerId: string, createdAt: Date): Promise<void>
  /** Members (not erased) holding one of `tierIds` since before `before` (or since ever). */
  tierHoldersSetBefore(tierIds: readonly string[], before: Date): Promise<{ id: string; tierId: string }[]>
  /** Moves the customer from tier `from` to `to` at `at`; null when they no longer hold `from`. */
  moveTier(customerId: string, from: string, to: string, at: Date): Promise<Customer | null>
  /**
   * Erases personal data (name, phone, birthday, chat, Telegram id, codes stop working) and keeps
   * the record's id, tier and ledger so totals stay right. The Telegram user may join again.
   */
  erase(customerId: string, at: Date): Promise<void>
}
