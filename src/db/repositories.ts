import type { Connection } from 'mongoose'
import type { GiftCertificateRepository } from '../domain/ports/gift-certificate-repository.ts'
import { createCustomerRepository, type CustomerRepository } from './customers.ts'
import { createGiftCertificateRepository } from './gift-certificates.ts'
import { createLedgerRepository, type MongoLedgerRepository } from './ledger.ts'
import { createPurchaseRepository, type MongoPurchaseRepository } from './purchases.ts'

/** Every repository of the loyalty data, built on one connection. */
export interface Repositories {
  customers: CustomerRepository
  ledgerEntries: MongoLedgerRepository
  purchases: MongoPurchaseRepository
  giftCertificates: GiftCertificateRepository
}

/** Builds the repositories and waits for their indexes (uniqueness must hold from the first write). */
export async function createRepositories(connection: Connection): Promise<Repositories> {
  const [customers, ledgerEntries, purchases, giftCertificates] = await Promise.all([
    createCustomerRepository(connection),
    createLedgerRepository(connection),
    createPurchaseRepository(connection),
    createGiftCertificateRepository(connection),
  ])
  return { customers, ledgerEntries, purchases, giftCertificates }
}
