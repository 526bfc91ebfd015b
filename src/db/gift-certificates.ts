import { Schema, type Connection } from 'mongoose'
import type { GiftCertificate } from '../domain/gift-certificates.ts'
import type { Actor } from '../domain/ledger/entry.ts'
import { money } from '../domain/money.ts'
import type { GiftCertificateRepository } from '../domain/ports/gift-certificate-repository.ts'
import { isDuplicateKey } from './processed-updates.ts'

interface GiftDoc {
  _id: string
  value: number
  issuedTo: string | null
  issuedBy: Actor
  issuedAt: Date
  expiresAt: Date | null
  redeemedAt: Date | null
  redeemedBy: string | null
}

const schema = new Schema<GiftDoc>(
  {
    _id: { type: String, required: true },
    value: { type: Number, required: true },
    issuedTo: { type: String, default: null },
    issuedBy: { role: { type: String, required: true }, id: { type: String, required: true } },
    issuedAt: { type: Date, required: true },
    expiresAt: { type: Date, default: null },
    redeemedAt: { type: Date, default: null },
    redeemedBy: { type: String, default: null },
  },
  { versionKey: false },
)

function toCertificate(doc: GiftDoc): GiftCertificate {
  return {
    code: doc._id,
    value: money(doc.value),
    issuedTo: doc.issuedTo ?? null,
    issuedBy: { role: doc.issuedBy.role, id: doc.issuedBy.id },
    issuedAt: doc.issuedAt,
    expiresAt: doc.expiresAt ?? null,
    redeemedAt: doc.redeemedAt ?? null,
    redeemedBy: doc.redeemedBy ?? null,
  }
}

/** Gift certificates in MongoDB, `_id` = the code (unique by construction). */
export async function createGiftCertificateRepository(
  connection: Connection,
): Promise<GiftCertificateRepository> {
  const model = connection.model<GiftDoc>('GiftCertificate', schema, 'gift_certificates')
  await model.init()
  return {
    async insert(certificate) {
      try {
        await model.create({ ...certificate, _id: certificate.code })
        return true
      } catch (error) {
        if (isDuplicateKey(error)) return false
        throw error
      }
    },
    async findByCode(code) {
      const doc = await model.findById(code).lean<GiftDoc>()
      return doc ? toCertificate(doc) : null
    },
    async markRedeemed(code, customerId, at) {
      const doc = await model
        .findOneAndUpdate(
          { _id: code, redeemedAt: null },
          { $set: { redeemedAt: at, redeemedBy: customerId } },
          { returnDocument: 'after' },
        )
        .lean<GiftDoc>()
      return doc ? toCertificate(doc) : null
    },
  }
}
