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
