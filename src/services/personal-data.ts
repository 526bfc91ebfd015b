/**
 * A store that keeps personal text about a customer outside the customer record (NPS comments,
 * feedback threads, queued messages). /forget asks each one to erase it; scores and amounts stay,
 * anonymous, so the shop's figures do not change.
 */
export interface PersonalDataStore {
  erasePersonalData(customerId: string): Promise<void>
}
