const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(tz, f)
  }
  return f
}

const OFFSET_RE = /^([+-])(\d{2}):?(\d{2})?$/

/** True when `tz` is an Olson name or a `±HH[:MM]` offset that this server understands. */
export function isValidTimezone(tz: string): boolean {
  if (OFFSET_RE.test(tz)) return true
  try {
    formatter(tz)
    return true
  } catch {
    return false
  }
}

/**
 * Offsets by zone and hour, for hours with one offset throughout (the same at both ends; nothing
 * changes twice within an hour): grouping a million documents by local day asked Intl for each
 * one, most of the time taken. Hours with a change (NaN) are computed each time.
 */
const offsetCache = new Map<string, number>()
const HOUR_MS = 3_600_000
const OFFSET_CACHE_MAX = 100_000

/** The offset of a time zone (Olson name, "UTC", or "±HH:MM") from UTC at an instant, in minutes. */
export function offsetMinutes(tz: string, at: Date): number {
  const m = OFFSET_RE.exec(tz)
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0))
  const hour = Math.floor(at.getTime() / HOUR_MS)
  const key = `${tz}@${hour}`
  let steady = offsetCache.get(key)
  if (steady === undefined) {
    const first = computeOffset(tz, new Date(hour * HOUR_MS))
    steady = first === computeOffset(tz, new Date((hour + 1) * HOUR_MS - 1000)) ? first : NaN
    if (offsetCache.size >= OFFSET_CACHE_MAX) offsetCache.clear()
    offsetCache.set(key, steady)
  }
  return Number.isNaN(steady) ? computeOffset(tz, at) : steady
}

function computeOffset(tz: string, at: Date): number {
  const parts = formatter(tz).formatToParts(at)
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0)
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  const utc = Math.floor(at.getTime() / 1000) * 1000
  return Math.round((local - utc) / 60_000)
}

/** Formats an offset in minutes as `+HH:MM`. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

/** Local wall-clock time of an instant, as a Date whose UTC fields are the local fields. */
export function toLocal(tz: string, at: Date): Date {
  return new Date(at.getTime() + offsetMinutes(tz, at) * 60_000)
}

/** The instant whose local wall-clock time in `tz` is given by the UTC fields of `local`. */
export function fromLocal(tz: string, local: Date): Date {
  const guess = local.getTime() - offsetMinutes(tz, local) * 60_000
  const corrected = local.getTime() - offsetMinutes(tz, new Date(guess)) * 60_000
  return new Date(corrected)
}
