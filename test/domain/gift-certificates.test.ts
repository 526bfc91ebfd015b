import { describe, expect, it } from 'vitest'
import {
  assertGiftRedeemable,
  formatGiftCode,
  generateGiftCode,
  GIFT_CODE_ALPHABET,
  giftPoints,
  newGiftCertificate,
  normalizeGiftCode,
} from '../../src/domain/gift-certificates.ts'
import { rub } from './fakes.ts'

const bytes =
  (...values: number[]) =>
  () =>
    Uint8Array.from(values)
const RUB = { code: 'RUB', minorUnits: 2, symbol: '₽' }
const owner = { role: 'owner' as const, id: '42' }
const now = new Date('2026-03-01T10:00:00Z')

describe('gift codes', () => {
  it('should draw 9 symbols from the unambiguous alphabet and add a check symbol', () => {
    expect(GIFT_CODE_ALPHABET).toHaveLength(32)
    expect(GIFT_CODE_ALPHABET).not.toMatch(/[01IO]/)
    const code = generateGiftCode(bytes(0, 1, 2, 3, 4, 5, 6, 7, 255))
    // Luhn mod 32 from the right: Z 31x2=62 -> 1+30, 9 7, 8 6x2=12, 7 5, 6 8, 5 3, 4 4, 3 1, 2 0;
    // sum 71, 71 mod 32 = 7, check = alphabet[32 - 7] = 'T'.
    expect(code).toBe('23456789ZT')
    expect(normalizeGiftCode(code)).toBe(code)
  })

  it('should read a code typed loosely, on a Russian keyboard too', () => {
    expect(normalizeGiftCode(' 23456-789zt ')).toBe('23456789ZT')
    const code = generateGiftCode(bytes(8, 9, 10, 11, 12, 13, 14, 15, 16)) // ABCDEFGHJ + check
    const cyrillic = code.replace('A', 'А').replace('C', 'С').replace('E', 'Е').toLowerCase()
    expect(normalizeGiftCode(cyrillic)).toBe(code)
    expect(formatGiftCode(code)).toBe(`${code.slice(0, 5)}-${code.slice(5)}`)
  })

  it('should catch every single-symbol typo and a swap of neighbours', () => {
    const code = '23456789ZT'
    for (let index = 0; index < code.length; index += 1) {
      for (const symbol of GIFT_CODE_ALPHABET) {
        if (symbol === code[index]) continue
        const typo = code.slice(0, index) + symbol + code.slice(index + 1)
        expect(() => normalizeGiftCode(typo)).toThrow(expect.objectContaining({ code: 'GIFT.INVALID_CODE' }))
      }
    }
    expect(() => normalizeGiftCode('32456789ZT')).toThrow(
      expect.objectContaining({ code: 'GIFT.INVALID_CODE' }),
    )
  })

  it('should refuse wrong lengths and foreign symbols', () => {
    for (const input of ['23456789Z', '23456789ZTR', '0345678 9ZR', '', 'IIIIIIIIII']) {
      expect(() => normalizeGiftCode(input)).toThrow(expect.objectContaining({ code: 'GIFT.INVALID_CODE' }))
    }
  })
})

describe('gift certificates', () => {
  const rules = { enabled: true, validDays: 365 }
  const certificate = newGiftCertificate(
    { code: '23456789ZT', value: rub(1_000), issuedTo: 'anna', issuedBy: owner, now },
    rules,
  )

  it('should be valid for validDays and unredeemed when issued', () => {
    expect(certificate.expiresAt).toEqual(new Date('2027-03-01T10:00:00Z'))
    expect(certificate.redeemedAt).toBeNull()
    expect(newGiftCertificate({ ...certificate, now }, { enabled: true, validDays: 0 }).expiresAt).toBeNull()
  })

  it('should refuse issuing when turned off or worth nothing', () => {
    const input = { code: '23456789ZT', value: rub(100), issuedTo: null, issuedBy: owner, now }
    expect(() => newGiftCertificate(input, { enabled: false, validDays: 0 })).toThrow(
      expect.objectContaining({ code: 'GIFT.DISABLED' }),
    )
    expect(() => newGiftCertificate({ ...input, value: rub(0) }, rules)).toThrow(
      expect.objectContaining({ code: 'MONEY.ZERO' }),
    )
  })

  it('should be redeemable once and only before it expires', () => {
    expect(assertGiftRedeemable(certificate, now)).toBe(certificate)
    const used = { ...certificate, redeemedAt: now, redeemedBy: 'boris' }
    expect(() => assertGiftRedeemable(used, now)).toThrow(
      expect.objectContaining({ code: 'GIFT.ALREADY_REDEEMED' }),
    )
    expect(() => assertGiftRedeemable(certificate, new Date('2027-03-01T10:00:00Z'))).toThrow(
      expect.objectContaining({ code: 'GIFT.EXPIRED' }),
    )
    expect(() => assertGiftRedeemable(null, now)).toThrow(expect.objectContaining({ code: 'GIFT.NOT_FOUND' }))
  })

  it('should credit whole currency units as points, rounded down', () => {
    expect(giftPoints(rub(1_000), RUB)).toBe(1_000)
    expect(giftPoints(rub(999, 99), RUB)).toBe(999)
  })
})
