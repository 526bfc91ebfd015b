/*
 * In-memory fakes of the domain ports, for unit tests only. They keep the same contracts as the
 * real repositories (see src/domain/ports): unique idempotency keys, atomic covered debits,
 * compare-and-set redemption and answers. Each call yields to the event loop first, so
 * concurrent service calls really interleave; the check-and-write part runs without a pause,
 * which is what "atomic" means here.
 */
import { DomainError } from '../../src/domain/errors.ts'
import type { GiftCertificate } from '../../src/domain/gift-certificates.ts'
import type { LedgerEntry, NewLedgerEntry } from '../../src/domain/ledger/entry.ts'
import { money, type Money } from '../../src/domain/money.ts'
import type { NpsScore } from '../../src/domain/nps.ts'
import { points, type Points } from '../../src/domain/points.ts'
import type { CustomerAccounts, LoyaltyAccount } from '../../src/domain/ports/customer-accounts.ts'
import type { GiftCertificateRepository } from '../../src/domain/ports/gift-certificate-repository.ts'
import type { AppendResult, LedgerRepository } from '../../src/domain/ports/ledger-repository.ts'
import type { Purchase, PurchaseRepository } from '../../src/domain/ports/purchase-repository.ts'
import type { NpsSurvey, SurveyRepository } from '../../src/domain/ports/survey-repository.ts'

const pause = () => new Promise<void>((resolve) => setImmediate(resolve))

/** The fake ledger, with its rows exposed for assertions. */
export interface FakeLedger extends LedgerRepository {
  readonly rows: LedgerEntry[]
}

/** An in-memory {@link LedgerRepository}. */
export function createFakeLedger(): FakeLedger {
  const rows: LedgerEntry[] = []
  const sum = (customerId: string) =>
    rows.filter((row) => row.customerId === customerId).reduce((total, row) => total + row.delta, 0)
  const byKey = (key: string) => rows.find((row) => row.idempotencyKey === key) ?? null
  const insert = (entry: NewLedgerEntry): AppendResult => {
    const stored: LedgerEntry = { ...entry, id: `e${rows.length + 1}` }
    rows.push(stored)
    return { entry: stored, created: true }
  }
  const seq = (entry: LedgerEntry) => Number(entry.id.slice(1))
  return {
    rows,
    async append(entry) {
      await pause()
      if (entry.delta <= 0) throw new RangeError('append takes credits only')
      const existing = byKey(entry.idempotencyKey)
      return existing ? { entry: existing, created: false } : insert(entry)
    },
    async appendDebitIfCovered(entry) {
      await pause()
      if (entry.delta >= 0) throw new RangeError('appendDebitIfCovered takes debits only')
      const existing = byKey(entry.idempotencyKey)
      if (existing) return { entry: existing, created: false }
      const balance = sum(entry.customerId)
      if (balance + entry.delta < 0) {
        throw new DomainError('LEDGER.INSUFFICIENT_POINTS', { balance, requested: -entry.delta })
      }
      return insert(entry)
    },
    async findById(entryId) {
      await pause()
      return rows.find((row) => row.id === entryId) ?? null
    },
    async findByKey(key) {
      await pause()
      return byKey(key)
    },
    async entriesOf(customerId, { limit, before }) {
      await pause()
      const newestFirst = rows
        .filter((row) => row.customerId === customerId)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || seq(b) - seq(a))
      const start = before ? newestFirst.findIndex((row) => row.id === before.id) + 1 : 0
      return newestFirst.slice(start, start + limit)
    },
    async allEntriesOf(customerId) {
      await pause()
      return rows.filter((row) => row.customerId === customerId)
    },
    async entriesOfPurchase(purchaseId) {
      await pause()
      return rows.filter((row) => row.purchaseId === purchaseId)
    },
    async balanceOf(customerId) {
      await pause()
      return points(sum(customerId))
    },
    async customersWithCreditsExpiringBetween(from, to) {
      await pause()
      const ids = rows
        .filter((row) => row.delta > 0 && row.expiresAt !== undefined)
        .filter(
          (row) =>
            (row.expiresAt?.getTime() ?? 0) >= from.getTime() &&
            (row.expiresAt?.getTime() ?? 0) <= to.getTime(),
        )
        .map((row) => row.customerId)
      return [...new Set(ids)]
    },
  }
}

/** The fake customer accounts, with a helper to add one. */
export interface FakeCustomers extends CustomerAccounts {
  readonly accounts: Map<string, LoyaltyAccount>
  add(account: Partial<LoyaltyAccount> & { id: string }): LoyaltyAccount
}

/** An in-memory {@link CustomerAccounts}; new accounts start in the `bronze` tier. */
export function createFakeCustomers(): FakeCustomers {
  const accounts = new Map<string, LoyaltyAccount>()
  return {
    accounts,
    add(account) {
      const full = { tierId: 'bronze', invitedBy: null, erased: false, ...account }
      accounts.set(full.id, full)
      return full
    },
    async findById(customerId) {
      await pause()
      return accounts.get(customerId) ?? null
    },
    async setTier(customerId, tierId) {
      await pause()
      const account = accounts.get(customerId)
      if (account) accounts.set(customerId, { ...account, tierId })
    },
  }
}

/** The fake purchase store, rows exposed. */
export interface FakePurchases extends PurchaseRepository {
  readonly rows: Map<string, Purchase>
}

/** An in-memory {@link PurchaseRepository}. */
export function createFakePurchases(): FakePurchases {
  const rows = new Map<string, Purchase>()
  return {
    rows,
    async record(purchase) {
      await pause()
      const existing = rows.get(purchase.id)
      if (existing) return { purchase: existing, created: false }
      rows.set(purchase.id, purchase)
      return { purchase, created: true }
    },
    async findById(purchaseId) {
      await pause()
      return rows.get(purchaseId) ?? null
    },
    async spendBetween(customerId, from, to): Promise<Money> {
      await pause()
      let total = 0
      for (const purchase of rows.values()) {
        const at = purchase.createdAt.getTime()
        const inWindow = (from === null || at > from.getTime()) && at <= to.getTime()
        if (purchase.customerId === customerId && purchase.voidedAt === null && inWindow)
          total += purchase.paid
      }
      return money(total)
    },
    async markVoided(purchaseId, at) {
      await pause()
      const purchase = rows.get(purchaseId)
      if (purchase && purchase.voidedAt === null) rows.set(purchaseId, { ...purchase, voidedAt: at })
    },
  }
}

/** An in-memory {@link GiftCertificateRepository}, rows exposed. */
export function createFakeGifts(): GiftCertificateRepository & { rows: Map<string, GiftCertificate> } {
  const rows = new Map<string, GiftCertificate>()
  return {
    rows,
    async insert(certificate) {
      await pause()
      if (rows.has(certificate.code)) return false
      rows.set(certificate.code, certificate)
      return true
    },
    async findByCode(code) {
      await pause()
      return rows.get(code) ?? null
    },
    async markRedeemed(code, customerId, at) {
      await pause()
      const found = rows.get(code)
      if (!found || found.redeemedAt !== null) return null
      const updated = { ...found, redeemedAt: at, redeemedBy: customerId }
      rows.set(code, updated)
      return updated
    },
  }
}

/** An in-memory {@link SurveyRepository}, rows exposed. */
export function createFakeSurveys(): SurveyRepository & { rows: Map<string, NpsSurvey> } {
  const rows = new Map<string, NpsSurvey>()
  return {
    rows,
    async createIfNoneSince(survey, since) {
      await pause()
      const existing = rows.get(survey.id)
      if (existing) return existing
      const recent = [...rows.values()].some(
        (row) => row.customerId === survey.customerId && row.createdAt.getTime() > since.getTime(),
      )
      if (recent) return null
      rows.set(survey.id, survey)
      return survey
    },
    async findById(surveyId) {
      await pause()
      return rows.get(surveyId) ?? null
    },
    async recordScore(surveyId, score: NpsScore, at) {
      await pause()
      const found = rows.get(surveyId)
      if (!found) return null
      if (found.answer !== null) return { survey: found, recorded: false }
      const updated = { ...found, answer: { score, answeredAt: at, comment: null } }
      rows.set(surveyId, updated)
      return { survey: updated, recorded: true }
    },
    async recordComment(surveyId, comment) {
      await pause()
      const found = rows.get(surveyId)
      if (!found?.answer) return found ?? null
      if (found.answer.comment !== null) return found
      const updated = { ...found, answer: { ...found.answer, comment } }
      rows.set(surveyId, updated)
      return updated
    },
  }
}

/** Shorthand for branded test values: `rub(350, 50)` is 350.50 ₽ = 35 050 kopecks. */
export const rub = (roubles: number, kopecks = 0): Money => money(roubles * 100 + kopecks)
export const pts = (value: number): Points => points(value)
