import { describe, expect, it } from 'vitest'
import { createGiftCertificateService } from '../../src/domain/gift-service.ts'
import { createFakeGifts, rub } from './fakes.ts'
import { barista, owner, setupLedger } from './ledger/setup.ts'

function setup(randomRuns: number[][]) {
  const ledgerSetup = setupLedger()
  ledgerSetup.customers.add({ id: 'boris' })
  const gifts = createFakeGifts()
  let call = 0
  const random = () => Uint8Array.from(randomRuns[Math.min(call++, randomRuns.length - 1)] ?? [])
  const service = createGiftCertificateService({
    gifts,
    grantBonus: ledgerSetup.service.grantBonus,
    clock: ledgerSetup.clock,
    random,
    program: ledgerSetup.program,
  })
  return { ...ledgerSetup, gifts, service }
}
const fixed = [0, 1, 2, 3, 4, 5, 6, 7, 31] // -> 23456789Z + check T

describe('gift certificate service', () => {
  it('should issue a certificate and draw again on a code collision', async () => {
    const { service, gifts } = setup([fixed, fixed, [8, 8, 8, 8, 8, 8, 8, 8, 8]])
    const first = await service.issue({ value: rub(1_000), issuedTo: 'anna', issuedBy: owner })
    const second = await service.issue({ value: rub(500), issuedTo: null, issuedBy: owner })
    expect(first.code).toBe('23456789ZT')
    expect(second.code).toMatch(/^AAAAAAAAA.$/)
    expect(gifts.rows.size).toBe(2)
  })

  it('should credit the value once, typed however the customer dictates it', async () => {
    const { service, ledger } = setup([fixed])
    await service.issue({ value: rub(1_000), issuedTo: 'anna', issuedBy: owner })
    const accepted = await service.accept({
      code: '23456-789zt',
      customerId: 'boris',
      actor: barista,
      outletId: 'main',
    })
    expect(accepted.credit?.entry).toMatchObject({ customerId: 'boris', kind: 'gift', delta: 1_000 })
    expect(accepted.certificate).toMatchObject({ redeemedBy: 'boris' })
    await expect(
      service.accept({ code: '23456789ZT', customerId: 'anna', actor: barista, outletId: 'main' }),
    ).rejects.toMatchObject({
      code: 'GIFT.ALREADY_REDEEMED',
    })
    const retry = await service.accept({
      code: '23456789ZT',
      customerId: 'boris',
      actor: barista,
      outletId: 'main',
    })
    expect(retry.credit?.created).toBe(false)
    expect(await ledger.balanceOf('boris')).toBe(1_000)
  })

  it('should let only one of two cashiers accept the same code', async () => {
    const { service, ledger } = setup([fixed])
    await service.issue({ value: rub(300), issuedTo: null, issuedBy: owner })
    const results = await Promise.allSettled([
      service.accept({ code: '23456789ZT', customerId: 'anna', actor: barista, outletId: 'main' }),
      service.accept({ code: '23456789ZT', customerId: 'boris', actor: barista, outletId: 'main' }),
    ])
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect((await ledger.balanceOf('anna')) + (await ledger.balanceOf('boris'))).toBe(300)
  })

  it('should refuse unknown codes and typos before looking them up', async () => {
    const { service } = setup([fixed])
    await expect(
      service.accept({ code: '23456789ZT', customerId: 'anna', actor: barista, outletId: null }),
    ).rejects.toMatchObject({
      code: 'GIFT.NOT_FOUND',
    })
    await expect(
      service.accept({ code: '23456789ZR', customerId: 'anna', actor: barista, outletId: null }),
    ).rejects.toMatchObject({
      code: 'GIFT.INVALID_CODE',
    })
  })
})
