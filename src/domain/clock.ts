/**
 * Where "now" comes from. The domain never reads the system time itself: services receive a
 * `Clock`, so tests (and the sandbox) control time. The composition root passes
 * `{ now: () => new Date() }`.
 */
export interface Clock {
  /** The current instant; callers must not mutate the returned Date. */
  now(): Date
}

/** A clock for tests and simulations: fixed until moved with `set` or `advance`. */
export interface TestClock extends Clock {
  /** Jump to an instant (a Date or an ISO-8601 string with an offset). */
  set(instant: Date | string): void
  /** Move forward (or back, with a negative value) by milliseconds. */
  advance(ms: number): void
}

/** A {@link TestClock} starting at `start` (a Date or an ISO-8601 string with an offset). */
export function createTestClock(start: Date | string): TestClock {
  let current = toDate(start)
  return {
    now: () => new Date(current.getTime()),
    set: (instant) => {
      current = toDate(instant)
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms)
    },
  }
}

function toDate(instant: Date | string): Date {
  const date = typeof instant === 'string' ? new Date(instant) : new Date(instant.getTime())
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not an instant: ${String(instant)}`)
  return date
}

/** Milliseconds in a minute. Durations in the domain are fixed spans, not calendar units. */
export const MINUTE_MS = 60_000
/** Milliseconds in an hour. */
export const HOUR_MS = 60 * MINUTE_MS
/** Milliseconds in 24 hours: "N days" of expiry, cooldowns and windows are N x 24 h from the event. */
export const DAY_MS = 24 * HOUR_MS
