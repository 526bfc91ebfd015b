import { DAY_MS } from './clock.ts'
import type { ReactivationRules } from './program.ts'

/** What reactivation looks at: when the customer bought and when we already reminded them. */
export interface ReactivationHistory {
  /** Purchase instants, any order. */
  readonly purchases: readonly Date[]
  /** "We miss you" reminders sent, any order. */
  readonly reminders: readonly Date[]
}

/**
 * The customer's usual gap between purchases in milliseconds: the average interval
 * ((last - first) / (n - 1), rounded down); `defaultIntervalDays` for a single purchase; null
 * without purchases (nothing to reactivate: an unfinished join is another reminder).
 */
export function usualGapMs(purchases: readonly Date[], rules: ReactivationRules): number | null {
  if (purchases.length === 0) return null
  if (purchases.length === 1) return rules.defaultIntervalDays * DAY_MS
  const times = purchases.map((date) => date.getTime())
  const span = Math.max(...times) - Math.min(...times)
  return Math.floor(span / (purchases.length - 1))
}

/**
 * When the next "we miss you" reminder is due: the last purchase plus the larger of `minDays` and
 * `gapMultiplierPercent` of the usual gap (default twice), and no sooner than `cooldownDays` after
 * the previous reminder. Null when reactivation is off, there is no purchase, or `maxTries`
 * reminders were already sent since the last purchase (a new purchase resets the count).
 */
export function reactivationDueAt(history: ReactivationHistory, rules: ReactivationRules): Date | null {
  const gap = usualGapMs(history.purchases, rules)
  if (!rules.enabled || gap === null) return null
  const lastPurchase = Math.max(...history.purchases.map((date) => date.getTime()))
  const since = history.reminders.map((date) => date.getTime()).filter((time) => time > lastPurchase)
  if (since.length >= rules.maxTries) return null
  const threshold = Math.max(rules.minDays * DAY_MS, Math.floor((gap * rules.gapMultiplierPercent) / 100))
  const afterCooldown = since.length === 0 ? 0 : Math.max(...since) + rules.cooldownDays * DAY_MS
  return new Date(Math.max(lastPurchase + threshold, afterCooldown))
}

/** True when a reminder is due at `now` (see {@link reactivationDueAt}). */
export function isReactivationDue(
  history: ReactivationHistory,
  now: Date,
  rules: ReactivationRules,
): boolean {
  const due = reactivationDueAt(history, rules)
  return due !== null && due.getTime() <= now.getTime()
}
