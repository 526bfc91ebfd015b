import type { Language } from './index.ts'

const LOCALE_OF: Record<Language, string> = { ru: 'ru-RU', en: 'en-GB' }

/**
 * Formats an amount given in minor units (kopecks, cents) as money in the user's language:
 * `formatMoney(125050, 'RUB', 2, 'ru')` -> "1 250,50 ₽". Integer arithmetic only; trailing ",00" is dropped.
 */
export function formatMoney(minor: number, currency: string, minorDigits: number, lang: Language): string {
  const factor = 10 ** minorDigits
  const sign = minor < 0 ? '-' : ''
  const whole = Math.trunc(Math.abs(minor) / factor)
  const fraction = Math.abs(minor) % factor
  const format = new Intl.NumberFormat(LOCALE_OF[lang], {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: fraction === 0 ? 0 : minorDigits,
    maximumFractionDigits: minorDigits,
  })
  // BigInt input keeps the value exact; the fraction is spliced in as digits, never through a float.
  const parts = format.formatToParts(BigInt(whole))
  return (
    sign +
    parts
      .map((part) => (part.type === 'fraction' ? String(fraction).padStart(minorDigits, '0') : part.value))
      .join('')
  )
}

/** Formats an integer (points, counts) with the language's digit grouping: 12500 -> "12 500". */
export function formatNumber(value: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALE_OF[lang]).format(value)
}

/** Formats a date (and optionally time) in the program's time zone and the user's language. */
export function formatDate(date: Date, lang: Language, timeZone: string, withTime = false): string {
  return new Intl.DateTimeFormat(LOCALE_OF[lang], {
    timeZone,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  }).format(date)
}
