import type { GiftCertificate } from '../gift-certificates.ts'

/**
 * Gift certificates, implemented by src/db with a unique index on `code`.
 * - `insert` returns false when the code already exists (the service draws another code).
 * - `markRedeemed` is a compare-and-set: it succeeds only while `redeemedAt` is null, so two
 *   cashiers accepting the same code at once cannot both succeed.
 */
export interface GiftCertificateRepository {
  insert(certificate: GiftCertificate): Promise<boolean>
  findByCode(code: string): Promise<GiftCertificate | null>
  /** Returns the updated certificate, or null when it was already redeemed (or does not exist). */
  markRedeemed(code: string, customerId: string, at: Date): Promise<GiftCertificate | null>
}
