import { describe, expect, it } from 'vitest'
import { parseProgram } from '../../src/config/program.ts'
import { isDomainError, type DomainErrorCode } from '../../src/domain/errors.ts'
import { maxRedeemable, quotePurchase, type PurchaseQuoteInput } from '../../src/domain/purchase.ts'
import { tierById } from '../../src/domain/tiers.ts'
import { pts, rub } from './fakes.ts'

const program = parseProgram({})
const bronze = tierById(program.tiers, 'bronze')
const gold = tierById(program.tiers, 'gold')
const discountProgram = parseProgram({ mode: 'discount', stampCard: { enabled: false } })

function refusal(run: () => unknown): DomainErrorCode | 'no error' {
  try {
    run()
  } catch (error) {
    if (isDomainError(error)) return error.code
    throw error
  }
  return 'no error'
}

describe('quotePurchase in points mode', () => {
  const input = (overrides: Partial<PurchaseQuoteInput>): PurchaseQuoteInput => ({
    amount: rub(350),
    tier: bronze,
    balance: pts(0),
    ...overrides,
  })

  it('should earn the tier rate on the amount, rounded down', () => {
    expect(quotePurchase(program, input({ amount: rub(349, 99) }))).toEqual({
      amount: 34_999,
      discountBp: 0,
      discount: 0,
      maxRedeemable: 0,
      redeem: 0,
      paid: 34_999,
      earn: 10,
      stamps: 1,
    })
    expect(quotePurchase(program, input({ amount: rub(33) })).earn).toBe(0)
    expect(quotePurchase(program, input({ amount: rub(350), tier: gold })).earn).toBe(24) // 24.5
  })

  it('should earn only on the amount paid after points', () => {
    const quote = quotePurchase(
      program,
      input({ amount: rub(1_000), balance: pts(500), requestedRedeem: pts(300) }),
    )
    expect(quote).toMatchObject({ maxRedeemable: 300, redeem: 300, paid: rub(700), earn: 21 })
  })

  it('should cap redemption at 30 % of the purchase and at the balance', () => {
    expect(maxRedeemable(program, rub(1_000), pts(500))).toBe(300)
    expect(maxRedeemable(program, rub(999, 99), pts(500))).toBe(299) // 299.997
    expect(maxRedeemable(program, rub(1_000), pts(120))).toBe(120)
  })

  it('should say which limit a too large redemption hits', () => {
    expect(
      refusal(() =>
        quotePurchase(program, input({ amount: rub(1_000), balance: pts(500), requestedRedeem: pts(301) })),
      ),
    ).toBe('REDEEM.OVER_CAP')
    expect(
      refusal(() =>
        quotePurchase(program, input({ amount: rub(1_000), balance: pts(120), requestedRedeem: pts(121) })),
      ),
    ).toBe('REDEEM.OVER_BALANCE')
    expect(
      refusal(() =>
        quotePurchase(program, input({ amount: rub(1_000), balance: pts(120), requestedRedeem: pts(200) })),
      ),
    ).toBe('REDEEM.OVER_BALANCE')
  })

  it('should refuse a zero or absurd amount and bad stamp counts', () => {
    expect(refusal(() => quotePurchase(program, input({ amount: rub(0) })))).toBe('MONEY.ZERO')
    expect(refusal(() => quotePurchase(program, input({ amount: rub(1_000_000, 1) })))).toBe(
      'MONEY.TOO_LARGE',
    )
    expect(refusal(() => quotePurchase(program, input({ stampItems: 21 })))).toBe('STAMPS.INVALID_COUNT')
    expect(refusal(() => quotePurchase(program, input({ stampItems: 1.5 })))).toBe('STAMPS.INVALID_COUNT')
    expect(quotePurchase(program, input({ stampItems: 3 })).stamps).toBe(3)
    expect(quotePurchase(program, input({ stampItems: 0 })).stamps).toBe(0)
  })
})

describe('quotePurchase in discount-card mode', () => {
  it('should apply the tier discount rounded down and earn no points', () => {
    const silver = tierById(discountProgram.tiers, 'silver')
    expect(quotePurchase(discountProgram, { amount: rub(333, 33), tier: silver, balance: pts(50) })).toEqual({
      amount: 33_333,
      discountBp: 500,
      discount: 1_666,
      maxRedeemable: 0,
      redeem: 0,
      paid: 31_667,
      earn: 0,
      stamps: 0,
    })
  })

  it('should refuse to spend points and stamps when the card is off', () => {
    const base = { amount: rub(100), tier: bronze, balance: pts(50) }
    expect(refusal(() => quotePurchase(discountProgram, { ...base, requestedRedeem: pts(10) }))).toBe(
      'REDEEM.NOT_AVAILABLE',
    )
    expect(refusal(() => quotePurchase(discountProgram, { ...base, stampItems: 1 }))).toBe('STAMPS.DISABLED')
  })
})
