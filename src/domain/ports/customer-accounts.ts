/** The part of a customer record the loyalty rules read. */
export interface LoyaltyAccount {
  readonly id: string
  /** The tier held now (upgraded at once, downgraded only at a review); see tiers.ts. */
  readonly tierId: string
  /** The inviter, null when the customer came on their own. */
  readonly invitedBy: string | null
  /** True after /forget: no new operations, entries stay anonymous. */
  readonly erased: boolean
}

/**
 * Customer records as the ledger service needs them, implemented by src/db next to the full
 * customer repository (profile, consents, birthday, card token live there).
 */
export interface CustomerAccounts {
  findById(customerId: string): Promise<LoyaltyAccount | null>
  /** Stores the held tier; `at` is when it changed (for the digest's tier changes). */
  setTier(customerId: string, tierId: string, at: Date): Promise<void>
}
