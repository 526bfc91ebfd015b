import type { CustomerRepository, Customer } from '../db/customers.ts'
import type { GreetingsRepository } from '../db/greetings.ts'
import type { OutboxPart } from '../db/outbox.ts'
import { birthdayGreetingYear } from '../domain/birthday.ts'
import { addLocalDays, localDate, localDateKey, type LocalDate } from '../domain/calendar.ts'
import type { Clock } from '../domain/clock.ts'
import { holidaysOn, isInHolidayAudience, needsSensitiveAsk } from '../domain/holidays.ts'
import type { AppendResult } from '../domain/ports/ledger-repository.ts'
import type { LedgerService } from '../domain/ledger/ledger-service.ts'
import type { Holiday, Program } from '../domain/program.ts'
import { languageOf } from '../bot/i18n/index.ts'
import type { OutboxService } from './outbox.ts'

/** Days before a sensitive holiday (Mother's / Father's Day) when customers are asked whether they want it. */
export const SENSITIVE_ASK_DAYS_BEFORE = 3

/** The Yes / No buttons of the sensitive-holiday question; callback data from the feature's codec. */
export type HolidayAskButtons = (
  holidayId: string,
) => readonly { readonly labelKey: string; readonly data: string }[]

export interface GreetingsDeps {
  greetings: GreetingsRepository
  customers: CustomerRepository
  ledger: LedgerService
  outbox: OutboxService
  clock: Clock
  program: Program
  holidayAskButtons: HolidayAskButtons
}

/** Idempotency keys of greetings in the outbox: one per customer and year (and holiday). */
export const greetingKeys = {
  birthday: (customerId: string, year: number) => `birthday:${customerId}:${year}`,
  holiday: (customerId: string, holidayId: string, year: number) =>
    `holiday:${holidayId}:${year}:${customerId}`,
  holidayAsk: (customerId: string, holidayId: string) => `holiday-ask:${holidayId}:${customerId}`,
}

/** What a greetings run queued, for logs and tests. */
export interface GreetingsReport {
  queued: number
}

/** The customer's holiday choice: false when opted out in Settings or answered No. */
async function holidayConsent(
  repo: GreetingsRepository,
  customer: Customer,
  holidayId: string,
): Promise<boolean | undefined> {
  if (customer.holidayOptOuts.includes(holidayId)) return false
  return repo.holidayAnswer(customer.id, holidayId)
}

/** The holiday's name in the customer's language. */
function holidayName(holiday: Holiday, customer: Customer): string {
  return holiday.names[languageOf(customer.language)]
}

/** "Here are 200 points, to spend by 10 March" for a granted bonus. */
function bonusPart(bonus: AppendResult): OutboxPart {
  const { delta, expiresAt } = bonus.entry
  return expiresAt
    ? { key: 'greetings.bonus', vars: { count: delta, untilDate: expiresAt.toISOString() } }
    : { key: 'greetings.bonus_forever', vars: { count: delta } }
}

/** The paragraph telling how to switch a greeting off (every greeting says it). */
const OPT_OUT_PART: OutboxPart = { key: 'greetings.how_to_opt_out' }

/**
 * Birthday and holiday greetings, queued in the outbox. Each is keyed per customer and year (the
 * bonus in the ledger too), so a second run, a restart, a second worker or a changed birthday
 * never greets or pays twice. Runs are cheap to repeat: the jobs call them hourly and on start.
 */
export function createGreetingsService(deps: GreetingsDeps) {
  const { greetings, customers, ledger, outbox, clock, program } = deps

  const today = (): LocalDate => localDate(clock.now(), program.timeZone)

  async function members(): Promise<Customer[]> {
    const records = await Promise.all((await greetings.memberIds()).map((id) => customers.get(id)))
    return records.filter((customer): customer is Customer => customer !== null && customer.erasedAt === null)
  }

  async function greetBirthday(customer: Customer, day: LocalDate): Promise<boolean> {
    const rules = program.birthday
    if (!rules.enabled || customer.birthday === null || !customer.consents.birthday) return false
    const year = birthdayGreetingYear(customer.birthday, day, rules)
    if (year === null) return false
    const key = greetingKeys.birthday(customer.id, year)
    if (await outbox.find(key)) return false
    const bonus = await ledger.grantBonus({ kind: 'birthday', customerId: customer.id, year })
    const early = rules.earlyGreetingDays > 0
    const parts: OutboxPart[] = [{ key: early ? 'greetings.birthday_early' : 'greetings.birthday' }]
    if (bonus !== null) parts.push(bonusPart(bonus))
    parts.push(OPT_OUT_PART)
    return outbox.enqueue({
      customerId: customer.id,
      category: 'birthday',
      key,
      // A greeting with a bonus counts towards the 30-day cap; the cap never stops a birthday.
      promotional: bonus !== null,
      tags: ['birthday'],
      payload: { parts },
    })
  }

  async function greetOnHoliday(customer: Customer, holiday: Holiday, year: number): Promise<boolean> {
    if (!customer.consents.holidays) return false
    if ((await holidayConsent(greetings, customer, holiday.id)) === false) return false
    const member = { tierId: customer.tierId, purchaseDates: await greetings.purchaseDates(customer.id) }
    if (!isInHolidayAudience(holiday.audience, member, clock.now())) return false
    const key = greetingKeys.holiday(customer.id, holiday.id, year)
    if (await outbox.find(key)) return false
    const bonus = await ledger.grantBonus({
      kind: 'holiday',
      customerId: customer.id,
      holidayId: holiday.id,
      year,
    })
    const parts: OutboxPart[] = [
      { key: `greetings.holiday.${holiday.id}`, vars: { holiday: holidayName(holiday, customer) } },
    ]
    if (bonus !== null) parts.push(bonusPart(bonus))
    parts.push(OPT_OUT_PART)
    return outbox.enqueue({
      customerId: customer.id,
      category: `holiday:${holiday.id}`,
      key,
      tags: [`holiday:${holiday.id}`],
      payload: { parts },
    })
  }

  async function askAboutHoliday(customer: Customer, holiday: Holiday): Promise<boolean> {
    if (!customer.consents.holidays) return false
    if (!needsSensitiveAsk(holiday, await holidayConsent(greetings, customer, holiday.id))) return false
    return outbox.enqueue({
      customerId: customer.id,
      category: `holiday:${holiday.id}`,
      key: greetingKeys.holidayAsk(customer.id, holiday.id),
      // A question, not an offer: it does not use up the customer's promotional messages.
      promotional: false,
      tags: [`holiday-ask:${holiday.id}`],
      payload: {
        parts: [
          {
            key: 'greetings.sensitive_ask',
            vars: { holiday: holidayName(holiday, customer) },
          },
        ],
        buttons: deps.holidayAskButtons(holiday.id),
      },
    })
  }

  return {
    /** Queues today's birthday greetings (and grants their bonuses); see the program's birthday rules. */
    async runBirthdays(): Promise<GreetingsReport> {
      const day = today()
      let queued = 0
      for (const customer of await members()) if (await greetBirthday(customer, day)) queued += 1
      return { queued }
    },

    /**
     * Queues greetings for today's holidays, and the question about a sensitive holiday
     * {@link SENSITIVE_ASK_DAYS_BEFORE} days before it (asked once, the answer kept).
     */
    async runHolidays(): Promise<GreetingsReport> {
      const day = today()
      const greetToday = holidaysOn(program, day)
      const askToday = holidaysOn(program, addLocalDays(day, SENSITIVE_ASK_DAYS_BEFORE)).filter(
        (holiday) => holiday.sensitive,
      )
      let queued = 0
      if (greetToday.length === 0 && askToday.length === 0) return { queued }
      for (const customer of await members()) {
        for (const holiday of greetToday) if (await greetOnHoliday(customer, holiday, day.year)) queued += 1
        for (const holiday of askToday) if (await askAboutHoliday(customer, holiday)) queued += 1
      }
      return { queued }
    },

    /**
     * Keeps the customer's answer to the sensitive-holiday question; No switches that holiday's
     * greeting off (as in Settings), Yes on. Returns false for a holiday the program does not have.
     */
    async answerHolidayAsk(customerId: string, holidayId: string, wants: boolean): Promise<boolean> {
      if (!program.holidays.some((holiday) => holiday.id === holidayId && holiday.sensitive)) return false
      await greetings.saveHolidayAnswer(customerId, holidayId, wants, clock.now())
      await customers.setHolidayOptOut(customerId, holidayId, !wants)
      return true
    },

    /** The local day key of now, e.g. "2026-03-08" (program time zone). */
    todayKey(): string {
      return localDateKey(today())
    },
  }
}

/** The service made by {@link createGreetingsService}. */
export type GreetingsService = ReturnType<typeof createGreetingsService>
