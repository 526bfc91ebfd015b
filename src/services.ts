import type { CustomerRepository } from './db/customers.ts'
import type { MongoLedgerRepository } from './db/ledger.ts'
import type { ProcessedUpdates } from './db/processed-updates.ts'
import type { MongoPurchaseRepository } from './db/purchases.ts'
import type { Clock } from './domain/clock.ts'
import type { GiftCertificateRepository } from './domain/ports/gift-certificate-repository.ts'
import type { LedgerService } from './domain/ledger/ledger-service.ts'
import type { GreetingsService } from './services/greetings.ts'
import type { MembershipService } from './services/membership.ts'
import type { NpsFeedbackService } from './services/nps.ts'
import type { OutboxService } from './services/outbox.ts'
import type { RemindersService } from './services/reminders.ts'
import type { TierReviewService } from './services/tier-review.ts'
import type { ReportService } from './services/reports.ts'
import type { BroadcastService } from './services/broadcast.ts'
import type { ExportService } from './services/reports-export.ts'
import type { StaffDesk } from './services/staff-desk.ts'

/**
 * The services features call through `ctx.services`; built once in the composition root (src/app.ts).
 * Handlers stay thin: they read the input, call one service, answer.
 */
export interface Services {
  processedUpdates: ProcessedUpdates
  /** "Now" for every service; the system clock in production, a test clock in tests. */
  clock: Clock
  /** Customer records: profile, consents, card token and manual code, tier, stamp card. */
  customers: CustomerRepository
  /** Every change of points: purchases, redemptions, bonuses, expiry, undo (domain ledger service). */
  ledger: LedgerService
  /** The raw ledger entries (history, sums); changes go through `ledger`, never here. */
  ledgerEntries: MongoLedgerRepository
  purchases: MongoPurchaseRepository
  giftCertificates: GiftCertificateRepository
  /** The customer's side: join, balance, card, history, rewards, invitations (src/services/membership.ts). */
  membership: MembershipService
  /** The staff side: roles and invites, identifying customers, purchases, redemptions, undo (src/services/staff-desk.ts). */
  staffDesk: StaffDesk
  /** NPS: surveys after purchases, answers and the "why?", detractor feedback threads, `/nps` (src/services/nps.ts). */
  nps: NpsFeedbackService
  /** Every non-transactional message: queued once per key, sent by policy (src/services/outbox.ts). */
  outbox: OutboxService
  /** Birthday and holiday greetings, the sensitive-holiday question (src/services/greetings.ts). */
  greetings: GreetingsService
  /** Reactivation, unfinished join, expiring points, near reward, merged per day (src/services/reminders.ts). */
  reminders: RemindersService
  /** Tier downgrades at the end of a review period, told to the customer (src/services/tier-review.ts). */
  tierReview: TierReviewService
  /** Owner reports: the daily digest, `/stats` and `/segments` (src/services/reports.ts). */
  reports: ReportService
  /** Owners' broadcasts to a segment, sent through the outbox (src/services/broadcast.ts). */
  broadcast: BroadcastService
  /** `/export`: customers and the ledger as streamed CSV (src/services/reports-export.ts). */
  exports: ExportService
}
