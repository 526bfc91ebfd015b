import { randomBytes } from 'node:crypto'
import { CYRILLIC_LOOKALIKES } from '../domain/gift-certificates.ts'

/**
 * 31 symbols with no 0/O, 1/I/L: a manual card code survives being read aloud at the till.
 * Draws are unbiased (rejection sampling), so 8 symbols carry 8 x log2(31) ≈ 39.6 bits.
 */
export const MANUAL_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'

/** Symbols in a manual card code; shown to the customer as "ABCD-EFGH". */
export const MANUAL_CODE_LENGTH = 8

const REFERRAL_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz'
const REFERRAL_CODE_LENGTH = 10

/** `length` symbols of `alphabet`, uniformly, from the system's cryptographic random source. */
function randomString(alphabet: string, length: number): string {
  // The largest multiple of the alphabet size below 256: bytes above it are dropped to avoid bias.
  const limit = 256 - (256 % alphabet.length)
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length]
    }
  }
  return out
}

/**
 * A card token for the QR deep link `?start=c-<token>`: 24 random bytes (192 bits) in base64url,
 * 32 characters, within Telegram's 64-character start parameter and impossible to guess.
 */
export function newCardToken(): string {
  return randomBytes(24).toString('base64url')
}

/** A manual card code of {@link MANUAL_CODE_LENGTH} unambiguous symbols, e.g. "7KQ2MXH9". */
export function newManualCode(): string {
  return randomString(MANUAL_CODE_ALPHABET, MANUAL_CODE_LENGTH)
}

/** A personal referral code for `?start=r-<code>`: 10 lowercase unambiguous symbols. */
export function newReferralCode(): string {
  return randomString(REFERRAL_ALPHABET, REFERRAL_CODE_LENGTH)
}

/**
 * Reads a manual code as typed or dictated: case, spaces and dashes do not matter, and Cyrillic
 * look-alike letters typed on a Russian keyboard are read as the Latin ones. Null when it cannot be one.
 */
export function normalizeManualCode(input: string): string | null {
  const text = [...input.toUpperCase().replace(/[\s-]/g, '')].map((c) => CYRILLIC_LOOKALIKES[c] ?? c).join('')
  if (text.length !== MANUAL_CODE_LENGTH) return null
  return [...text].every((c) => MANUAL_CODE_ALPHABET.includes(c)) ? text : null
}

/** "7KQ2MXH9" -> "7KQ2-MXH9", easier to read aloud. */
export function formatManualCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`
}
