import { DAY_MS } from './clock.ts'
import { DomainError } from './errors.ts'
import type { Actor } from './ledger/entry.ts'
import { minorPerUnit, type Currency, type Money } from './money.ts'
import { points, type Points } from './points.ts'
import type { GiftCertificateRules } from './program.ts'

/**
 * 32 symbols with no 0/O and no 1/I, so a code survives being read aloud or copied by hand:
 * 5 bits each, and one random byte maps to one symbol without bias (256 = 8 x 32).
 */
export const GIFT_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'

/** Random symbols in a code; one check symbol follows (10 in all, 45 random bits). */
export const GIFT_CODE_RANDOM_LENGTH = 9

/** Cryptographically strong random bytes (the composition root passes `crypto.randomBytes`). */
export type RandomBytes = (count: number) => Uint8Array

/** Cyrillic capitals that look like Latin ones: a code typed on a Russian keyboard still works. */
export const CYRILLIC_LOOKALIKES: Readonly<Record<string, string>> = {
  А: 'A',
  В: 'B',
  С: 'C',
  Е: 'E',
  Н: 'H',
  К: 'K',
  М: 'M',
  Р: 'P',
  Т: 'T',
  Х: 'X',
  У: 'Y',
}

/** A new code: 9 random symbols and a Luhn mod 32 check symbol, e.g. "7KQ2MXH9RA". */
export function generateGiftCode(random: RandomBytes): string {
  const bytes = random(GIFT_CODE_RANDOM_LENGTH)
  if (bytes.length < GIFT_CODE_RANDOM_LENGTH) throw new RangeError('Not enough random bytes')
  let payload = ''
  for (let index = 0; index < GIFT_CODE_RANDOM_LENGTH; index += 1) {
    payload += GIFT_CODE_ALPHABET[(bytes[index] ?? 0) % GIFT_CODE_ALPHABET.length]
  }
  return payload + checkSymbol(payload)
}

/** Luhn mod N: catches every single wrong symbol and most swaps of neighbours. */
function checkSymbol(payload: string): string {
  const n = GIFT_CODE_ALPHABET.length
  let sum = 0
  let factor = 2
  for (let index = payload.length - 1; index >= 0; index -= 1) {
    const addend = factor * GIFT_CODE_ALPHABET.indexOf(payload[index] ?? '')
    sum += Math.floor(addend / n) + (addend % n)
    factor = factor === 2 ? 1 : 2
  }
  return GIFT_CODE_ALPHABET[(n - (sum % n)) % n] ?? ''
}

/**
 * Reads a code as typed or dictated: case, spaces, dashes and Cyrillic look-alikes do not matter.
 * Returns the canonical 10-symbol code; refuses with GIFT.INVALID_CODE (wrong length, a symbol
 * outside the alphabet, or a failed check symbol: a typo, caught before any database lookup).
 */
export function normalizeGiftCode(input: string): string {
  const code = [...input.toUpperCase().replace(/[\s\-–—_.]/g, '')]
    .map((c) => CYRILLIC_LOOKALIKES[c] ?? c)
    .join('')
  const valid =
    code.length === GIFT_CODE_RANDOM_LENGTH + 1 &&
    [...code].every((c) => GIFT_CODE_ALPHABET.includes(c)) &&
    checkSymbol(code.slice(0, -1)) === code.slice(-1)
  if (!valid) throw new DomainError('GIFT.INVALID_CODE', { input })
  return code
}

/** "7KQ2M-XH9RA": how a code is shown, in two halves for dictation. */
export function formatGiftCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`
}

/**
 * A certificate: a bearer code worth `value`, issued (sold or given) to a customer, redeemed once
 * by whoever presents it; accepting it credits its value as points to that customer.
 */
export interface GiftCertificate {
  readonly code: string
  readonly value: Money
  readonly issuedTo: string | null
  readonly issuedBy: Actor
  readonly issuedAt: Date
  /** Null: never expires. */
  readonly expiresAt: Date | null
  readonly redeemedAt: Date | null
  readonly redeemedBy: string | null
}

/** A fresh certificate valid for `validDays` (0 = forever); refuses with GIFT.DISABLED. */
export function newGiftCertificate(
  input: { code: string; value: Money; issuedTo: string | null; issuedBy: Actor; now: Date },
  rules: GiftCertificateRules,
): GiftCertificate {
  if (!rules.enabled) throw new DomainError('GIFT.DISABLED')
  if (input.value === 0) throw new DomainError('MONEY.ZERO')
  const expiresAt = rules.validDays === 0 ? null : new Date(input.now.getTime() + rules.validDays * DAY_MS)
  return { ...input, issuedAt: input.now, expiresAt, redeemedAt: null, redeemedBy: null }
}

/**
 * Refuses a certificate that cannot be accepted at `now`: GIFT.NOT_FOUND (null),
 * GIFT.ALREADY_REDEEMED, GIFT.EXPIRED.
 */
export function assertGiftRedeemable(certificate: GiftCertificate | null, now: Date): GiftCertificate {
  if (certificate === null) throw new DomainError('GIFT.NOT_FOUND')
  if (certificate.redeemedAt !== null) throw new DomainError('GIFT.ALREADY_REDEEMED')
  if (certificate.expiresAt !== null && certificate.expiresAt.getTime() <= now.getTime()) {
    throw new DomainError('GIFT.EXPIRED')
  }
  return certificate
}

/** Points credited for a certificate: its value in whole currency units, rounded down. */
export function giftPoints(value: Money, currency: Currency): Points {
  return points(Math.floor(value / minorPerUnit(currency)))
}
