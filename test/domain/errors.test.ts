import { describe, expect, it } from 'vitest'
import { DOMAIN_ERROR_CODES, DomainError, isDomainError, translationKeyOf } from '../../src/domain/errors.ts'

describe('DomainError', () => {
  it('should carry the code, params, name and a message filled from params', () => {
    const error = new DomainError('LEDGER.INSUFFICIENT_POINTS', { balance: 120, requested: 300 })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('DomainError')
    expect(error.code).toBe('LEDGER.INSUFFICIENT_POINTS')
    expect(error.params).toEqual({ balance: 120, requested: 300 })
    expect(error.message).toBe('Balance 120 does not cover 300 points')
  })

  it('should keep the cause', () => {
    const cause = new Error('duplicate key')
    expect(new DomainError('GIFT.ALREADY_REDEEMED', {}, { cause }).cause).toBe(cause)
  })

  it('should leave unknown placeholders visible rather than print undefined', () => {
    expect(new DomainError('REDEEM.OVER_CAP').message).toBe(
      'At most {max} points may be spent on this purchase',
    )
  })

  it('should tell domain errors apart by code', () => {
    const error = new DomainError('MONEY.ZERO')
    expect(isDomainError(error)).toBe(true)
    expect(isDomainError(error, 'MONEY.ZERO')).toBe(true)
    expect(isDomainError(error, 'MONEY.NEGATIVE')).toBe(false)
    expect(isDomainError(new Error('x'))).toBe(false)
  })

  it('should map every code to a namespaced translation key', () => {
    expect(translationKeyOf('NPS.INVALID_SCORE')).toBe('errors.NPS.INVALID_SCORE')
    for (const code of DOMAIN_ERROR_CODES) expect(code).toMatch(/^[A-Z]+\.[A-Z_]+$/)
    expect(DOMAIN_ERROR_CODES).toContain('LEDGER.INSUFFICIENT_POINTS')
  })
})
