import { DomainError } from './errors.ts'

declare const moneyBrand: unique symbol

/**
 * An amount of money in integer minor units (kopecks for RUB), never negative. A program has one
 * currency, so the currency travels separately (see {@link Currency}); never a float.
 */
export type Money = number & { readonly [moneyBrand]: 'Money' }

/** The program's currency: ISO code, digits after the separator (RUB: 2) and display symbol. */
export interface Currency {
  readonly code: string
  readonly minorUnits: number
  readonly symbol: string
}

/** The largest purchase accepted when nothing else is configured: 1 000 000.00 currency units. */
export const DEFAULT_MAX_AMOUNT_UNITS = 1_000_000

/** True for a non-negative safe integer, i.e. a valid {@link Money} value. */
export function isMoney(value: unknown): value is Money {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/** Brands an integer number of minor units; throws a RangeError (a bug, not a refusal) otherwise. */
export function money(minor: number): Money {
  if (!isMoney(minor)) throw new RangeError(`Money must be a non-negative integer of minor units: ${minor}`)
  return minor
}

/** Minor units in one currency unit: 100 for RUB, 1 for a currency without minor units. */
export function minorPerUnit(currency: Currency): number {
  return 10 ** currency.minorUnits
}

/** Whole currency units (e.g. roubles from a threshold in the program file) as {@link Money}. */
export function moneyFromUnits(units: number, currency: Currency): Money {
  return money(units * minorPerUnit(currency))
}

/** Sum of amounts. */
export function addMoney(a: Money, b: Money): Money {
  return money(a + b)
}

/** `a - b`; throws a RangeError when the result would be negative (callers check first). */
export function subtractMoney(a: Money, b: Money): Money {
  return money(a - b)
}

/** `a - b`, or zero when `b` is larger: "how much is still missing". */
export function shortfall(target: Money, reached: Money): Money {
  return money(Math.max(0, target - reached))
}

/** Options of {@link parseMoney}. */
export interface ParseMoneyOptions {
  /** Largest accepted amount; default {@link DEFAULT_MAX_AMOUNT_UNITS} currency units. */
  readonly max?: Money
}

const SPACES = /[\s\u00A0\u202F\u2009]/
const GROUPED = /^\d{1,3}(?:[\s\u00A0\u202F\u2009]\d{3})+$/
const PLAIN = /^\d+$/

/**
 * Reads an amount typed by a person: "350", "350.50", "350,50", " 1 250,5 " (spaces, no-break
 * spaces as thousand separators; comma or dot as the decimal separator; an optional trailing
 * currency symbol or code). Refuses with MONEY.INVALID_FORMAT, MONEY.NEGATIVE, MONEY.ZERO,
 * MONEY.TOO_MANY_DECIMALS or MONEY.TOO_LARGE. "1,250" is 1.250, hence too many decimals for
 * RUB: a comma is never a thousand separator, so nothing is silently misread.
 */
export function parseMoney(input: string, currency: Currency, options: ParseMoneyOptions = {}): Money {
  const max = options.max ?? moneyFromUnits(DEFAULT_MAX_AMOUNT_UNITS, currency)
  let text = input.trim()
  for (const suffix of [currency.symbol, currency.code]) {
    if (suffix !== '' && text.toUpperCase().endsWith(suffix.toUpperCase())) {
      text = text.slice(0, text.length - suffix.length).trim()
    }
  }
  const negative = text.startsWith('-') || text.startsWith('\u2212')
  if (negative) text = text.slice(1).trim()

  const separators = [...text].filter((c) => c === '.' || c === ',').length
  if (separators > 1) throw new DomainError('MONEY.INVALID_FORMAT', { input })
  const [integerPart = '', fraction] = text.split(/[.,]/)
  const integerOk = PLAIN.test(integerPart) || (SPACES.test(integerPart) && GROUPED.test(integerPart))
  const fractionOk = fraction === undefined || PLAIN.test(fraction)
  if (!integerOk || !fractionOk) throw new DomainError('MONEY.INVALID_FORMAT', { input })

  const digits = integerPart.replace(/\D/g, '')
  const decimals = fraction ?? ''
  const minor = BigInt(digits) * 10n ** BigInt(currency.minorUnits) + fractionToMinor(decimals, currency)
  if (negative && minor > 0n) throw new DomainError('MONEY.NEGATIVE')
  if (decimals.length > currency.minorUnits) {
    throw new DomainError('MONEY.TOO_MANY_DECIMALS', { decimals: currency.minorUnits })
  }
  if (minor === 0n) throw new DomainError('MONEY.ZERO')
  if (minor > BigInt(max)) throw new DomainError('MONEY.TOO_LARGE', { maxMinor: max })
  return money(Number(minor))
}

function fractionToMinor(fraction: string, currency: Currency): bigint {
  const kept = fraction.slice(0, currency.minorUnits).padEnd(currency.minorUnits, '0')
  return kept === '' ? 0n : BigInt(kept)
}

/** "1250.50" (dot, no grouping, all minor digits): for CSV exports and logs. */
export function toDecimalString(amount: Money, currency: Currency): string {
  const per = BigInt(minorPerUnit(currency))
  const minor = BigInt(amount)
  const units = (minor / per).toString()
  if (currency.minorUnits === 0) return units
  return `${units}.${(minor % per).toString().padStart(currency.minorUnits, '0')}`
}

/**
 * Money for people, with the currency symbol instead of a word, so no plural form is needed:
 * ru "1 250,50 ₽", "21 ₽"; en "₽1,250.50". Minor digits are shown only when not zero. Locales
 * other than Russian use the English layout.
 */
export function formatMoney(amount: Money, currency: Currency, locale: string): string {
  const lang = locale.toLowerCase().startsWith('ru') ? 'ru-RU' : 'en-US'
  const per = BigInt(minorPerUnit(currency))
  const minor = BigInt(amount)
  const units = new Intl.NumberFormat(lang).format(minor / per)
  const rest = minor % per
  const decimal = lang === 'ru-RU' ? ',' : '.'
  const number =
    rest === 0n ? units : `${units}${decimal}${rest.toString().padStart(currency.minorUnits, '0')}`
  return lang === 'ru-RU' ? `${number}\u00A0${currency.symbol}` : `${currency.symbol}${number}`
}
