import { addLocalDays, atLocalTime, localDate, minutesOfLocalDay } from './calendar.ts'
import type { MessagingRules, Program, TimeOfDay } from './program.ts'

/** The frequency cap counts promotional messages over this rolling window: 30 days. */
export const CAP_WINDOW_MS = 30 * 24 * 60 * 60 * 1000

/**
 * Why a message is sent. Transactional: a direct answer or confirmation (purchase receipt,
 * redemption request, reply to feedback). Everything else obeys consent and quiet hours;
 * promotional ones (promotion, reminder, holiday) also count against the 30-day cap.
 */
export type MessageCategory =
  'transactional' | 'nps' | 'birthday' | HolidayCategory | 'promotion' | 'reminder'

/** A greeting for one holiday of the calendar, e.g. `holiday:mothers-day`. */
export type HolidayCategory = `holiday:${string}`

/** A notification switch in the customer's settings. */
export type ConsentTopic = 'nps' | 'birthday' | 'holidays' | 'promotions' | 'reminders'

/** Every switch, in the order settings show them. */
export const CONSENT_TOPICS: readonly ConsentTopic[] = [
  'nps',
  'birthday',
  'holidays',
  'promotions',
  'reminders',
]

/**
 * The customer's notification choices. A missing topic means on (joining the program is consent
 * to its messages; every one can be switched off). A holiday missing from `holidays` follows the
 * `holidays` topic; `holidays: false` silences every holiday whatever the per-holiday choice.
 */
export interface Consents {
  readonly topics: Readonly<Partial<Record<ConsentTopic, boolean>>>
  readonly holidays: Readonly<Record<string, boolean>>
}

/** Consents of a customer who has not changed anything. */
export const DEFAULT_CONSENTS: Consents = Object.freeze({
  topics: Object.freeze({}),
  holidays: Object.freeze({}),
})

/** What the policy needs to know about one message to one customer. */
export interface DeliveryRequest {
  readonly category: MessageCategory
  readonly consents: Consents
  /** False once Telegram answered 403 (bot blocked) or the customer erased their data. */
  readonly reachable: boolean
  /** Promotional messages this customer received in the 30 days before `now`. */
  readonly promotionalSentLast30Days: number
  /**
   * When the oldest of those was sent. Given, a message over the cap waits until that one leaves
   * the 30-day window (the cap defers, it does not drop); absent, it is dropped.
   */
  readonly oldestPromotionalSentAt?: Date
  /**
   * False when the owner switched the feature behind the category off since the message was queued
   * (see {@link isCategoryEnabled}); a message queued before must not go out. Default true.
   */
  readonly enabledByProgram?: boolean
  readonly now: Date
}

/** Why a message is not sent at all; `disabled`: the program switched its feature off. */
export type DropReason = 'unreachable' | 'disabled' | 'no_consent' | 'frequency_cap'

/**
 * Send now, try again at `until` (the end of quiet hours; decide again then, the cap may have been
 * reached meanwhile), or never send.
 */
export type DeliveryDecision =
  | { readonly action: 'send' }
  | { readonly action: 'defer'; readonly until: Date }
  | { readonly action: 'drop'; readonly reason: DropReason }

/** True for categories counted against `promoCapPer30Days`: promotion, reminder, holidays. */
export function isPromotional(category: MessageCategory): boolean {
  return category === 'promotion' || category === 'reminder' || category.startsWith('holiday:')
}

/** True when the customer's consents allow the category (transactional is always allowed). */
export function hasConsent(category: MessageCategory, consents: Consents): boolean {
  const on = (topic: ConsentTopic) => consents.topics[topic] !== false
  if (category === 'transactional') return true
  if (category === 'promotion') return on('promotions')
  if (category === 'reminder') return on('reminders')
  if (category === 'nps' || category === 'birthday') return on(category)
  const holidayId = category.slice('holiday:'.length)
  return on('holidays') && consents.holidays[holidayId] !== false
}

/**
 * False when the program switched off the feature that queues messages of this category: NPS
 * surveys, birthday greetings, or one holiday. Checked again at send time, since a restart with new
 * rules leaves already queued messages behind.
 */
export function isCategoryEnabled(
  category: MessageCategory,
  program: Pick<Program, 'nps' | 'birthday' | 'holidays'>,
): boolean {
  if (category === 'nps') return program.nps.enabled
  if (category === 'birthday') return program.birthday.enabled
  if (category.startsWith('holiday:')) {
    const holiday = program.holidays.find((item) => `holiday:${item.id}` === category)
    return holiday?.enabled ?? false
  }
  return true
}

/**
 * The policy for every message that is not typed in a chat right now. Order: an unreachable
 * customer gets nothing, nor a message of a feature the program switched off; transactional messages go at once (no quiet hours, no cap); then
 * consent, then the promotional cap (dropped: a stale promotion is worse than none), then quiet
 * hours in the program time zone (deferred to their end).
 */
export function decideDelivery(
  request: DeliveryRequest,
  rules: MessagingRules,
  timeZone: string,
): DeliveryDecision {
  if (!request.reachable) return { action: 'drop', reason: 'unreachable' }
  if (request.enabledByProgram === false) return { action: 'drop', reason: 'disabled' }
  if (request.category === 'transactional') return { action: 'send' }
  if (!hasConsent(request.category, request.consents)) return { action: 'drop', reason: 'no_consent' }
  if (isPromotional(request.category) && request.promotionalSentLast30Days >= rules.promoCapPer30Days) {
    const oldest = request.oldestPromotionalSentAt
    if (oldest === undefined) return { action: 'drop', reason: 'frequency_cap' }
    return { action: 'defer', until: new Date(oldest.getTime() + CAP_WINDOW_MS + 1) }
  }
  const until = quietHoursEnd(request.now, rules.quietHours, timeZone)
  return until === null ? { action: 'send' } : { action: 'defer', until }
}

/**
 * When `now` is inside quiet hours (start inclusive, end exclusive; the window may cross
 * midnight, e.g. 21:00-10:00), the instant they end; otherwise null. Equal start and end mean no
 * quiet hours.
 */
export function quietHoursEnd(
  now: Date,
  quiet: { readonly start: TimeOfDay; readonly end: TimeOfDay },
  timeZone: string,
): Date | null {
  const start = quiet.start.hour * 60 + quiet.start.minute
  const end = quiet.end.hour * 60 + quiet.end.minute
  const minute = minutesOfLocalDay(now, timeZone)
  const today = localDate(now, timeZone)
  if (start === end) return null
  if (start < end) return minute >= start && minute < end ? atLocalTime(today, quiet.end, timeZone) : null
  if (minute >= start) return atLocalTime(addLocalDays(today, 1), quiet.end, timeZone)
  if (minute < end) return atLocalTime(today, quiet.end, timeZone)
  return null
}
