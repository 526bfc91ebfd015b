import { DateTime } from 'luxon'
import { addLocalDays, localDateKey, type LocalDate } from './calendar.ts'

/** The longest custom `/stats` range, in days (both ends included): a year, leap day and all. */
export const MAX_RANGE_DAYS = 366

/** A span of local days, both ends included. */
export interface DateRange {
  readonly from: LocalDate
  readonly to: LocalDate
}

/** Why a typed range was refused: unreadable, ends swapped, reaching past today, or too long. */
export type DateRangeError = 'format' | 'order' | 'future' | 'too_long'

/** A parsed range, or why it was refused. */
export type DateRangeResult = { ok: true; range: DateRange } | { ok: false; error: DateRangeError }

/** `2026-11-01`, `01.11.2026` or `01.11` (the year of `today`); single-digit day and month allowed. */
function parseDay(text: string, today: LocalDate): LocalDate | undefined {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text)
  const dotted = /^(\d{1,2})\.(\d{1,2})(?:\.(\d{4}))?$/.exec(text)
  const parts = iso
    ? { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) }
    : dotted
      ? { year: dotted[3] ? Number(dotted[3]) : today.year, month: Number(dotted[2]), day: Number(dotted[1]) }
      : undefined
  if (!parts || !DateTime.fromObject(parts, { zone: 'UTC' }).isValid) return undefined
  return parts
}

/**
 * Reads a custom range typed after `/stats`: two days separated by spaces (`2026-11-01 2026-11-15`,
 * `01.11.2026 15.11.2026`, `01.11 15.11`) or by a dash between dotted days (`01.11-15.11`,
 * `01.11.2026—15.11.2026`), or one day alone (`2026-11-01`). The range must not end after `today` and spans at most
 * {@link MAX_RANGE_DAYS} days.
 */
export function parseDateRange(input: string, today: LocalDate): DateRangeResult {
  const text = input.trim()
  const words = text.split(/\s+/)
  const ends =
    words.length === 2
      ? words
      : words.length === 3 && /^[-–—]$/.test(words[1]!)
        ? [words[0]!, words[2]!]
        : words.length === 1 && /^[\d.]+[-–—][\d.]+$/.test(text)
          ? text.split(/[-–—]/)
          : [text, text]
  const [from, to] = ends.map((end) => parseDay(end, today))
  if (ends.length !== 2 || !from || !to) return { ok: false, error: 'format' }
  if (localDateKey(to) < localDateKey(from)) return { ok: false, error: 'order' }
  if (localDateKey(to) > localDateKey(today)) return { ok: false, error: 'future' }
  if (localDateKey(addLocalDays(from, MAX_RANGE_DAYS - 1)) < localDateKey(to))
    return { ok: false, error: 'too_long' }
  return { ok: true, range: { from, to } }
}
