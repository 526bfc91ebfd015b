/**
 * Every refusal the domain can answer with, in one place.
 *
 * The code is stable and namespaced (`AREA.REASON`): the bot maps it to the translation key
 * `errors.<code>` (see {@link translationKeyOf}), logs and tests match on it. The text next to each
 * code is an English fallback for logs, with `{param}` placeholders filled from `params`.
 */
export const DOMAIN_ERRORS = {
  'MONEY.INVALID_FORMAT': 'Not an amount of money: "{input}"',
  'MONEY.NEGATIVE': 'The amount must not be negative',
  'MONEY.ZERO': 'The amount must be greater than zero',
  'MONEY.TOO_MANY_DECIMALS': 'At most {decimals} digits after the decimal separator',
  'MONEY.TOO_LARGE': 'The amount exceeds the maximum of {maxMinor} minor units',

  'POINTS.INVALID_FORMAT': 'Not a whole number of points: "{input}"',
  'POINTS.NOT_POSITIVE': 'The number of points must be greater than zero',

  'CUSTOMER.NOT_FOUND': 'No customer {customerId}',
  'CUSTOMER.ERASED': 'Customer {customerId} erased their data',

  'LEDGER.INSUFFICIENT_POINTS': 'Balance {balance} does not cover {requested} points',
  'LEDGER.ENTRY_NOT_FOUND': 'No ledger entry {entryId}',
  'LEDGER.NOT_REVERSIBLE': 'A {kind} entry cannot be reversed',
  'LEDGER.UNDO_WINDOW_PASSED': 'Operations can be undone within {minutes} minutes only',
  'LEDGER.NOT_OWN_ENTRY': 'Staff may undo only their own operations',
  'LEDGER.OWNER_ONLY': 'Only an owner may do this',
  'LEDGER.IDEMPOTENCY_CONFLICT': 'The key {key} was already used for a different operation',

  'PURCHASE.NOT_FOUND': 'No purchase {purchaseId}',

  'REDEEM.NOT_POSITIVE': 'The number of points to spend must be greater than zero',
  'REDEEM.OVER_CAP': 'At most {max} points may be spent on this purchase',
  'REDEEM.OVER_BALANCE': 'Only {balance} points are available',
  'REDEEM.NOT_AVAILABLE': 'Points cannot be spent in discount-card mode',

  'REWARD.UNKNOWN': 'No reward {rewardId} in the catalogue',
  'REWARD.NOT_ENOUGH_POINTS': 'Reward {rewardId} costs {price} points, the balance is {balance}',

  'STAMPS.DISABLED': 'The stamp card is turned off',
  'STAMPS.INVALID_COUNT': 'Stamps are added 1 to {max} at a time',
  'STAMPS.NO_REWARD': 'No stamp reward is available yet',

  'GIFT.DISABLED': 'Gift certificates are turned off',
  'GIFT.INVALID_CODE': 'Not a gift certificate code: "{input}"',
  'GIFT.NOT_FOUND': 'No gift certificate with this code',
  'GIFT.ALREADY_REDEEMED': 'This gift certificate was already used',
  'GIFT.EXPIRED': 'This gift certificate has expired',

  'REFERRAL.DISABLED': 'The referral program is turned off',
  'REFERRAL.SELF': 'Customers cannot invite themselves',
  'REFERRAL.ALREADY_INVITED': 'The customer already has an inviter',
  'REFERRAL.NOT_NEW_CUSTOMER': 'Only customers without purchases can be invited',
  'REFERRAL.UNKNOWN_INVITER': 'The invitation link is not valid',

  'NPS.INVALID_SCORE': 'A score is a whole number from 0 to 10, got "{input}"',
  'NPS.SURVEY_NOT_FOUND': 'No survey {surveyId}',
  'NPS.SURVEY_EXPIRED': 'The survey has expired',
  'NPS.ALREADY_ANSWERED': 'The survey was already answered',

  'BIRTHDAY.INVALID_DATE': 'Not a valid birthday',
  'BIRTHDAY.CHANGE_TOO_SOON': 'The birthday can be changed again after {nextChangeAt}',
} as const satisfies Record<string, string>

/** A stable, namespaced code of an expected refusal, e.g. `LEDGER.INSUFFICIENT_POINTS`. */
export type DomainErrorCode = keyof typeof DOMAIN_ERRORS

/** Values a message may interpolate: numbers stay numbers (points, minor units) for i18n plurals. */
export type DomainErrorParams = Readonly<Record<string, string | number>>

/** Every known code, e.g. for a test that checks each has a translation. */
export const DOMAIN_ERROR_CODES = Object.keys(DOMAIN_ERRORS) as readonly DomainErrorCode[]

/**
 * An expected refusal of a business rule (not a bug): the bot catches it and answers with
 * `ctx.t(translationKeyOf(error.code), error.params)`; anything else reaches the error boundary.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError'
  readonly code: DomainErrorCode
  readonly params: DomainErrorParams

  constructor(code: DomainErrorCode, params: DomainErrorParams = {}, options?: { cause?: unknown }) {
    super(interpolate(DOMAIN_ERRORS[code], params), options)
    this.code = code
    this.params = Object.freeze({ ...params })
  }
}

/** True when `error` is a {@link DomainError}, optionally with the given code. */
export function isDomainError(error: unknown, code?: DomainErrorCode): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code)
}

/** The i18n key for a code: `errors.LEDGER.INSUFFICIENT_POINTS`. */
export function translationKeyOf(code: DomainErrorCode): string {
  return `errors.${code}`
}

function interpolate(template: string, params: DomainErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name]
    return value === undefined ? whole : String(value)
  })
}
