import type { Clock } from './clock.ts'
import { DomainError } from './errors.ts'
import {
  assertGiftRedeemable,
  generateGiftCode,
  newGiftCertificate,
  normalizeGiftCode,
  type GiftCertificate,
  type RandomBytes,
} from './gift-certificates.ts'
import type { Actor } from './ledger/entry.ts'
import type { BonusRequest } from './ledger/bonus-grants.ts'
import type { Money } from './money.ts'
import type { AppendResult } from './ports/ledger-repository.ts'
import type { GiftCertificateRepository } from './ports/gift-certificate-repository.ts'
import type { Program } from './program.ts'

/** Draws before giving up on finding an unused code (45 random bits: a collision is already rare). */
const CODE_ATTEMPTS = 5

/** Ports of {@link createGiftCertificateService}; `grantBonus` is the ledger service's. */
export interface GiftServiceDeps {
  readonly gifts: GiftCertificateRepository
  readonly grantBonus: (request: BonusRequest) => Promise<AppendResult | null>
  readonly clock: Clock
  readonly random: RandomBytes
  readonly program: Pick<Program, 'giftCertificates'>
}

/** Issuing and accepting gift certificates; accepting credits the value as points, once. */
export function createGiftCertificateService({ gifts, grantBonus, clock, random, program }: GiftServiceDeps) {
  return {
    /** Issues a certificate worth `value` (> 0) with a fresh unguessable code. */
    async issue(input: { value: Money; issuedTo: string | null; issuedBy: Actor }): Promise<GiftCertificate> {
      for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt += 1) {
        const certificate = newGiftCertificate(
          { ...input, code: generateGiftCode(random), now: clock.now() },
          program.giftCertificates,
        )
        if (await gifts.insert(certificate)) return certificate
      }
      throw new Error(`No unused gift code after ${CODE_ATTEMPTS} attempts: is the random source broken?`)
    },

    /**
     * Accepts a code typed or dictated by the customer and credits its value as points. Refused
     * with GIFT.DISABLED, GIFT.INVALID_CODE, GIFT.NOT_FOUND, GIFT.EXPIRED, GIFT.ALREADY_REDEEMED
     * (also when two cashiers race: only one compare-and-set wins). A retry by the customer who
     * won completes the credit instead of failing.
     */
    async accept(input: {
      code: string
      customerId: string
      actor: Actor
      outletId: string | null
    }): Promise<{ readonly certificate: GiftCertificate; readonly credit: AppendResult | null }> {
      if (!program.giftCertificates.enabled) throw new DomainError('GIFT.DISABLED')
      const code = normalizeGiftCode(input.code)
      const now = clock.now()
      const found = await gifts.findByCode(code)
      const retry = found?.redeemedBy === input.customerId
      const certificate = retry && found ? found : await redeem(code, input.customerId, now)
      const credit = await grantBonus({
        kind: 'gift',
        customerId: input.customerId,
        code,
        value: certificate.value,
        outletId: input.outletId,
        actor: input.actor,
      })
      return { certificate, credit }
    },
  }

  async function redeem(code: string, customerId: string, now: Date): Promise<GiftCertificate> {
    assertGiftRedeemable(await gifts.findByCode(code), now)
    const updated = await gifts.markRedeemed(code, customerId, now)
    if (updated === null) throw new DomainError('GIFT.ALREADY_REDEEMED')
    return updated
  }
}

/** The service made by {@link createGiftCertificateService}. */
export type GiftCertificateService = ReturnType<typeof createGiftCertificateService>
