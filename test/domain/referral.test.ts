import { describe, expect, it } from 'vitest'
import { parseProgram } from '../../src/config/program.ts'
import { assertCanAttachInviter, referralBonusesFor } from '../../src/domain/referral.ts'
import { rub } from './fakes.ts'

const rules = parseProgram({}).referral
const newcomer = { id: 'boris', invitedBy: null, purchaseCount: 0 }
const anna = { id: 'anna', active: true }

describe('attaching an inviter', () => {
  it('should accept a new customer invited by an existing one', () => {
    expect(() => assertCanAttachInviter(newcomer, anna, rules)).not.toThrow()
  })

  it.each([
    ['REFERRAL.SELF', newcomer, { id: 'boris', active: true }],
    ['REFERRAL.ALREADY_INVITED', { ...newcomer, invitedBy: 'clara' }, anna],
    ['REFERRAL.NOT_NEW_CUSTOMER', { ...newcomer, purchaseCount: 1 }, anna],
    ['REFERRAL.UNKNOWN_INVITER', newcomer, null],
    ['REFERRAL.UNKNOWN_INVITER', newcomer, { id: 'anna', active: false }],
  ])('should refuse with %s', (code, invitee, inviter) => {
    expect(() => assertCanAttachInviter(invitee, inviter, rules)).toThrow(expect.objectContaining({ code }))
  })

  it('should refuse when the referral program is off', () => {
    expect(() => assertCanAttachInviter(newcomer, anna, { ...rules, enabled: false })).toThrow(
      expect.objectContaining({ code: 'REFERRAL.DISABLED' }),
    )
  })
})

describe('referral bonuses', () => {
  const invited = { id: 'boris', invitedBy: 'anna' }

  it('should pay both sides on a qualifying purchase, with one key per side', () => {
    expect(referralBonusesFor(invited, rub(300), rules)).toEqual([
      { customerId: 'anna', side: 'inviter', points: 100, idempotencyKey: 'referral:boris:inviter' },
      { customerId: 'boris', side: 'invitee', points: 100, idempotencyKey: 'referral:boris:invitee' },
    ])
  })

  it('should pay nothing below the minimum or without an inviter', () => {
    expect(referralBonusesFor(invited, rub(299, 99), rules)).toEqual([])
    expect(referralBonusesFor({ id: 'boris', invitedBy: null }, rub(1_000), rules)).toEqual([])
  })

  it('should omit a side whose bonus is zero', () => {
    const bonuses = referralBonusesFor(invited, rub(500), {
      ...rules,
      inviteeBonus: 0 as typeof rules.inviteeBonus,
    })
    expect(bonuses.map((bonus) => bonus.side)).toEqual(['inviter'])
  })
})
