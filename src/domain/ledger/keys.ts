/*
 * Idempotency keys of ledger entries, in one place: the unique index on them is what makes
 * retries, double taps and a second worker harmless, so each operation must derive its key from
 * what identifies it in the real world (the purchase, the lot, the year of the birthday...).
 */

/** Points earned by a purchase. */
export const earnKey = (purchaseId: string) => `purchase:${purchaseId}:earn`

/** Points spent on a purchase. */
export const purchaseRedeemKey = (purchaseId: string) => `purchase:${purchaseId}:redeem`

/** A redemption not tied to a recorded purchase: the caller's operation id. */
export const redeemKey = (operationId: string) => `redeem:${operationId}`

/** The one welcome bonus of a customer. */
export const welcomeKey = (customerId: string) => `welcome:${customerId}`

/** The referral bonus of one side of one invitation; an invitee has one inviter, so one each. */
export const referralKey = (inviteeId: string, side: 'inviter' | 'invitee') => `referral:${inviteeId}:${side}`

/** The birthday bonus of the birthday celebrated in `year`. */
export const birthdayKey = (customerId: string, year: number) => `birthday:${customerId}:${year}`

/** The bonus of a holiday in `year`. */
export const holidayKey = (customerId: string, holidayId: string, year: number) =>
  `holiday:${holidayId}:${year}:${customerId}`

/** The points of an accepted gift certificate: a code is redeemed once. */
export const giftKey = (code: string) => `gift:${code}`

/** An owner's manual adjustment: the caller's operation id. */
export const adjustmentKey = (operationId: string) => `adjustment:${operationId}`

/** The expiry of a lot: derived from the lot so it is never expired twice. */
export const expiryKey = (lotEntryId: string) => `expiry:${lotEntryId}`

/** The reversal of an entry: an entry is reversed at most once. */
export const reversalKey = (entryId: string) => `reversal:${entryId}`

/**
 * A purchase id from the receipt number staff typed (idempotent across retries and devices);
 * without a receipt number the bot uses an operation id made once per purchase dialog.
 */
export const receiptPurchaseId = (outletId: string, receiptId: string) =>
  `receipt:${outletId}:${receiptId.trim()}`
