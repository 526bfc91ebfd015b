import type { ConsentCategory, Customer, CustomerRepository } from '../db/customers.ts'
import type { MongoLedgerRepository } from '../db/ledger.ts'
import type { MongoPurchaseRepository } from '../db/purchases.ts'
import {
  assertBirthdayChangeAllowed,
  birthdayChangeAllowed,
  validateBirthday,
  type Birthday,
} from '../domain/birthday.ts'
import { localDate } from '../domain/calendar.ts'
import type { Clock } from '../domain/clock.ts'
import { DomainError } from '../domain/errors.ts'
import type { LedgerService } from '../domain/ledger/ledger-service.ts'
import { points, type Points } from '../domain/points.ts'
import type { Program } from '../domain/program.ts'
import { assertCanAttachInviter } from '../domain/referral.ts'
import { createMembershipViews } from './membership-views.ts'
import type { PersonalDataStore } from './personal-data.ts'

/** Longest name we keep (Telegram allows 64 for first names); shorter is friendlier on a till screen. */
export const MAX_NAME_LENGTH = 40

/** Ports and settings of {@link createMembershipService}. */
export interface MembershipDeps {
  readonly customers: CustomerRepository
  readonly purchases: MongoPurchaseRepository
  readonly ledger: LedgerService
  /** Raw entries, read-only here (the privacy report counts them). */
  readonly ledgerEntries: MongoLedgerRepository
  readonly clock: Clock
  readonly program: Program
  /** Other stores holding personal text about a customer; /forget erases it there too. */
  readonly personalData?: readonly PersonalDataStore[]
}

/** Who opened the bot, as Telegram tells it. */
export interface TelegramPerson {
  readonly telegramId: number
  readonly chatId: number
  readonly firstName: string
  readonly language: string
}

export type { BalanceView, RewardsView } from './membership-views.ts'

/**
 * The customer's side of the program, as the bot's customer features use it: joining (record,
 * rules, profile, invitation, welcome bonus), the card, the balance, history and rewards. It ties the
 * domain rules to the repositories; the features only read input and render what it returns.
 */
export function createMembershipService(deps: MembershipDeps) {
  const { customers, purchases, ledger, ledgerEntries, clock, program } = deps

  async function customerOrThrow(customerId: string): Promise<Customer> {
    const customer = await customers.get(customerId)
    if (customer === null) throw new DomainError('CUSTOMER.NOT_FOUND', { customerId })
    if (customer.erasedAt !== null) throw new DomainError('CUSTOMER.ERASED', { customerId })
    return customer
  }

  return {
    ...createMembershipViews(deps),

    /** The member behind a Telegram user, or null while they have not finished joining. */
    async memberOf(telegramId: number): Promise<Customer | null> {
      const customer = await customers.findByTelegramId(telegramId)
      return customer && customer.joinedAt !== null ? customer : null
    },

    /** The record of whoever opened the bot, created (not joined) on the first contact. */
    async open(person: TelegramPerson): Promise<Customer> {
      const customer = await customers.ensure({
        telegramId: person.telegramId,
        chatId: person.chatId,
        name: normalizeName(person.firstName) ?? '',
        language: person.language,
        tierId: program.tiers[0]?.id ?? 'base',
      })
      if (!customer.reachable) await customers.setReachable(customer.id, true)
      return customer
    },

    /**
     * Attaches the inviter behind a referral code to a customer who is still joining. Refuses with
     * REFERRAL.DISABLED, REFERRAL.UNKNOWN_INVITER, REFERRAL.SELF, REFERRAL.ALREADY_INVITED (one
     * inviter per customer, the first stays) or REFERRAL.NOT_NEW_CUSTOMER (already a member or has
     * purchases: an existing customer cannot be "brought").
     */
    async applyReferral(customerId: string, referralCode: string): Promise<void> {
      const invitee = await customerOrThrow(customerId)
      const inviter = await customers.findByReferralCode(referralCode)
      assertCanAttachInviter(
        { id: invitee.id, invitedBy: invitee.invitedBy, purchaseCount: await purchases.countOf(invitee.id) },
        inviter && { id: inviter.id, active: inviter.erasedAt === null && inviter.joinedAt !== null },
        program.referral,
      )
      if (invitee.joinedAt !== null) throw new DomainError('REFERRAL.NOT_NEW_CUSTOMER')
      if (!(await customers.attachInviter(invitee.id, inviter!.id))) {
        throw new DomainError('REFERRAL.ALREADY_INVITED')
      }
    },

    /** Keeps the customer's language (used by greetings and jobs) in step with the one chosen in the bot. */
    async setLanguage(telegramId: number, language: string): Promise<void> {
      const customer = await customers.findByTelegramId(telegramId)
      if (customer && customer.language !== language) await customers.updateProfile(customer.id, { language })
    },

    /** Records that the customer accepted the program rules (join step). */
    async acceptRules(customerId: string): Promise<void> {
      await customers.updateProfile(customerId, { rulesAcceptedAt: clock.now() })
    },

    /** Stores the name typed or kept at join; false when it is empty or too long (ask again). */
    async setName(customerId: string, input: string): Promise<boolean> {
      const name = normalizeName(input)
      if (name === null) return false
      await customers.updateProfile(customerId, { name })
      return true
    },

    /** Stores the phone from the customer's own shared contact, as "+<digits>". */
    async setPhone(customerId: string, phone: string): Promise<void> {
      const digits = phone.replace(/\D/g, '')
      await customers.updateProfile(customerId, { phone: digits ? `+${digits}` : null })
    },

    /**
     * Reads "14.03" or "14.03.1990" (also with "/", "-" or spaces) and stores it. Refuses with
     * BIRTHDAY.INVALID_DATE (not a date, 31.02, a future or implausible year) or
     * BIRTHDAY.CHANGE_TOO_SOON (changed within the cooldown: the bonus cannot be farmed).
     */
    async setBirthday(customerId: string, input: string): Promise<Birthday> {
      const birthday = validateBirthday(parseBirthday(input), localDate(clock.now(), program.timeZone))
      const customer = await customerOrThrow(customerId)
      const now = clock.now()
      assertBirthdayChangeAllowed(
        { current: customer.birthday, lastChangedAt: customer.birthdayChangedAt },
        now,
        program.birthday,
      )
      await customers.setBirthday(customerId, birthday, customer.birthday === null ? null : now)
      return birthday
    },

    /**
     * Finishes the join: the welcome bonus (once per customer, whatever happens twice) and the
     * membership date. Returns the points granted now (0 when already granted or turned off).
     */
    async finishJoin(
      customerId: string,
    ): Promise<{ readonly customer: Customer; readonly welcomeBonus: Points }> {
      const granted = await ledger.grantBonus({ kind: 'welcome', customerId })
      const customer = await customers.markJoined(customerId, clock.now())
      if (customer === null) throw new DomainError('CUSTOMER.NOT_FOUND', { customerId })
      return { customer, welcomeBonus: points(granted?.created ? granted.entry.delta : 0) }
    },

    /** Whether the birthday may be set now (first time, first fix, or after the yearly cooldown). */
    async birthdayChange(
      customerId: string,
    ): Promise<{ allowed: true } | { allowed: false; nextChangeAt: Date }> {
      const customer = await customerOrThrow(customerId)
      return birthdayChangeAllowed(
        { current: customer.birthday, lastChangedAt: customer.birthdayChangedAt },
        clock.now(),
        program.birthday,
      )
    },

    /** Turns one message category on or off. */
    async setConsent(customerId: string, category: ConsentCategory, allowed: boolean): Promise<Customer> {
      await customerOrThrow(customerId)
      return (await customers.setConsent(customerId, category, allowed)) ?? customerOrThrow(customerId)
    },

    /** Opts out of (or back into) the greeting of one holiday of the program's calendar. */
    async setHolidayGreeting(customerId: string, holidayId: string, wanted: boolean): Promise<Customer> {
      await customerOrThrow(customerId)
      if (!program.holidays.some((holiday) => holiday.id === holidayId)) {
        throw new RangeError(`No holiday ${holidayId} in the program`)
      }
      return (await customers.setHolidayOptOut(customerId, holidayId, !wanted)) ?? customerOrThrow(customerId)
    },

    /** Everything stored about the customer, for /privacy. */
    async privacyReport(customerId: string): Promise<{
      readonly customer: Customer
      readonly operations: number
      readonly purchases: number
    }> {
      const customer = await customerOrThrow(customerId)
      const entries = await ledgerEntries.allEntriesOf(customerId)
      return { customer, operations: entries.length, purchases: await purchases.countOf(customerId) }
    },

    /**
     * /forget: erases the personal data (name, phone, birthday, chat and Telegram id, consents stay
     * meaningless) and the texts other stores keep (NPS comments, feedback threads), and keeps the
     * anonymous ledger, purchases and scores, so the shop's totals stay right.
     * The Telegram user is a stranger afterwards and may join again as a new customer.
     */
    async forget(customerId: string): Promise<void> {
      await customerOrThrow(customerId)
      for (const store of deps.personalData ?? []) await store.erasePersonalData(customerId)
      await customers.erase(customerId, clock.now())
    },

    /** New card token and manual code; the old QR and code stop working at once. */
    async reissueCard(customerId: string): Promise<Customer> {
      await customerOrThrow(customerId)
      const customer = await customers.reissueCard(customerId)
      if (customer === null) throw new DomainError('CUSTOMER.NOT_FOUND', { customerId })
      return customer
    },
  }
}

/** The service made by {@link createMembershipService}. */
export type MembershipService = ReturnType<typeof createMembershipService>

/** A name as typed: trimmed, inner whitespace collapsed; null when empty or too long. */
export function normalizeName(input: string): string | null {
  const name = input.replace(/\s+/g, ' ').trim()
  return name.length >= 1 && [...name].length <= MAX_NAME_LENGTH ? name : null
}

/**
 * "14.03", "14.03.1990", "14/3", "14 03 90"? Only day, month and an optional 4-digit year are read;
 * anything else becomes an impossible date so validation refuses it with BIRTHDAY.INVALID_DATE.
 */
export function parseBirthday(input: string): Birthday {
  const match = /^\s*(\d{1,2})[./\-\s](\d{1,2})(?:[./\-\s](\d{4}))?\s*$/.exec(input)
  if (!match) return { day: 0, month: 0, year: null }
  return { day: Number(match[1]), month: Number(match[2]), year: match[3] ? Number(match[3]) : null }
}
