import type { Language } from './index.ts'

/**
 * A rate in basis points as a percentage in the user's language, integer arithmetic only:
 * 300 -> "3 %" (ru) / "3%" (en), 250 -> "2,5 %" / "2.5%".
 */
export function formatPercent(bp: number, lang: Language): string {
  const whole = Math.trunc(bp / 100)
  const fraction = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '')
  const number = fraction ? `${whole}${lang === 'ru' ? ',' : '.'}${fraction}` : String(whole)
  return lang === 'ru' ? `${number}\u00A0%` : `${number}%`
}

/** A signed number of points for history lines: "+35", "−120" (a real minus sign). */
export function formatSigned(value: number, format: (n: number) => string): string {
  return value < 0 ? `\u2212${format(-value)}` : `+${format(value)}`
}

/** A birthday as the user reads it: "14 марта" / "14 March", with the year when known. */
export function formatBirthday(
  birthday: { day: number; month: number; year: number | null },
  lang: Language,
): string {
  // 2000 is a leap year, so 29 February formats; UTC keeps the day from shifting.
  const date = new Date(Date.UTC(birthday.year ?? 2000, birthday.month - 1, birthday.day))
  return new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    ...(birthday.year !== null ? { year: 'numeric' } : {}),
  }).format(date)
}

/**
 * A date for the end of a sentence: Russian dates end in "г." ("14 марта 2027 г."), so the trailing
 * dot is dropped and the sentence's own full stop does not double it.
 */
export function withoutFinalDot(formatted: string): string {
  return formatted.replace(/\.$/, '')
}
