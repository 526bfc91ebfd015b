import type { Currency, Money } from './money.ts'
import type { Points } from './points.ts'
import type { BasisPoints } from './rates.ts'

/**
 * The program rules as the domain sees them: typed, validated, frozen, in domain units (Money in
 * minor units, rates in basis points). Built from the YAML file by `src/config/program.ts`; the
 * domain owns the shape so it never depends on the file format.
 */
export interface Program {
  /** Shown in messages and in the NPS question ("How likely are you to recommend <shop>..."). */
  readonly shopName: string
  /** IANA zone for every "today", birthday, holiday, quiet hour and digest; default Europe/Moscow. */
  readonly timeZone: string
  readonly currency: Currency
  /** Link to the full rules shown at join; null: the bot shows its short built-in summary. */
  readonly rulesUrl: string | null
  /** 'points': earn and spend points; 'discount': the card shows a discount growing with spend. */
  readonly mode: ProgramMode
  /** Ordered by threshold, the first one at 0: every customer is in exactly one tier. */
  readonly tiers: readonly Tier[]
  readonly tierWindow: TierWindow
  readonly points: PointsRules
  readonly purchases: PurchaseRules
  readonly stampCard: StampCardRules
  /** Rewards bought with points at the desk ("a free coffee for 200 points"); may be empty. */
  readonly rewards: RewardCatalogueRules
  readonly referral: ReferralRules
  readonly giftCertificates: GiftCertificateRules
  /** At least one; staff belong to an outlet, every operation records one. */
  readonly outlets: readonly Outlet[]
  readonly nps: NpsRules
  readonly birthday: BirthdayRules
  readonly holidays: readonly Holiday[]
  readonly reactivation: ReactivationRules
  readonly messaging: MessagingRules
  readonly segments: SegmentRules
}

/** How customers benefit: collecting points, or a discount card. */
export type ProgramMode = 'points' | 'discount'

/** A text in every supported language; Russian first. */
export interface LocalizedText {
  readonly ru: string
  readonly en: string
}

/** A language the bot speaks. */
export type Locale = keyof LocalizedText

/** A status level ("Silver") reached by spend within the {@link TierWindow}. */
export interface Tier {
  /** Stable slug used in storage and callbacks, e.g. `silver`. */
  readonly id: string
  readonly names: LocalizedText
  /** Spend within the window needed to reach the tier (0 for the first tier). */
  readonly threshold: Money
  /** Points per purchase, in basis points of the amount paid (300 = 3 %). */
  readonly earnRateBp: BasisPoints
  /** Discount in discount-card mode, basis points (500 = 5 %). */
  readonly discountBp: BasisPoints
}

/**
 * Over which spend tiers are computed. Rolling: the last `days` days, re-checked for downgrades
 * only at the end of each `reviewEvery` period (upgrades are immediate). Lifetime: all spend ever,
 * so tiers never go down.
 */
export type TierWindow =
  | { readonly kind: 'rolling'; readonly days: number; readonly reviewEvery: ReviewPeriod }
  | { readonly kind: 'lifetime' }

/** Calendar period (in the program time zone) at whose end downgrades happen. */
export type ReviewPeriod = 'month' | 'quarter' | 'year'

/** Earning, spending and expiry of points. */
export interface PointsRules {
  /** Granted once at join; 0 turns it off. */
  readonly welcomeBonus: Points
  /** Largest share of one purchase payable with points, basis points (3000 = 30 %). */
  readonly redeemCapBp: BasisPoints
  /** Days after which earned points expire, oldest first; 0 = never. */
  readonly expiryDays: number
  /** Days before expiry when the customer is warned. */
  readonly warningDays: number
}

/** Limits of purchase recording and redemption. */
export interface PurchaseRules {
  /** Largest amount staff may enter for one purchase (typo guard). */
  readonly maxAmount: Money
  /** How long a customer has to confirm a redemption, seconds. */
  readonly redemptionTimeoutSeconds: number
  /** How long staff may undo their own operation, minutes. */
  readonly undoWindowMinutes: number
}

/** "Buy 5 coffees, the 6th is on us": `every` = 6. */
export interface StampCardRules {
  readonly enabled: boolean
  /** Every N-th item is free, so a card holds N - 1 stamps. */
  readonly every: number
  readonly rewardNames: LocalizedText
}

/** A reward of the catalogue, bought whole with points (not a share of a purchase). */
export interface CatalogueReward {
  /** Stable slug carried by desk buttons and ledger entries, e.g. `coffee`. */
  readonly id: string
  readonly names: LocalizedText
  /** Its price in points. */
  readonly points: Points
}

/** The points reward catalogue and the "you are N points from ..." reminder. */
export interface RewardCatalogueRules {
  readonly catalogue: readonly CatalogueReward[]
  /** Remind when at most this many points are missing for the cheapest reward not yet affordable; 0 = never. */
  readonly nearPoints: number
}

/** Bonuses for bringing a friend, paid to both after the friend's first qualifying purchase. */
export interface ReferralRules {
  readonly enabled: boolean
  readonly inviterBonus: Points
  readonly inviteeBonus: Points
  /** Smallest purchase (amount paid) that qualifies. */
  readonly minPurchase: Money
}

/** Gift certificates: a code with a value, redeemed once. */
export interface GiftCertificateRules {
  readonly enabled: boolean
  /** Days a certificate stays valid after issue; 0 = forever. */
  readonly validDays: number
}

/** A shop or a coalition partner; visible in reports. */
export interface Outlet {
  readonly id: string
  readonly name: string
}

/** The transactional NPS survey after a purchase. */
export interface NpsRules {
  readonly enabled: boolean
  /** Minutes between the purchase and the question. */
  readonly delayMinutes: number
  /** At most one survey per customer within this many days. */
  readonly cooldownDays: number
  /** An unanswered survey expires after this many hours. */
  readonly expiryHours: number
  /** Where the interaction happened, for `/nps` splits; the first one is the default. */
  readonly touchpoints: readonly string[]
}

/** The birthday greeting and bonus. */
export interface BirthdayRules {
  readonly enabled: boolean
  readonly bonusPoints: Points
  /** Days the bonus can be spent (it expires afterwards). */
  readonly validDays: number
  /** Greet this many days before the birthday (0: on the day). */
  readonly earlyGreetingDays: number
  /** A set birthday may be changed once per this many days. */
  readonly changeCooldownDays: number
}

/** A date rule: a fixed day of a month, or the n-th (-1 = last) ISO weekday of a month. */
export type HolidayDate =
  | { readonly kind: 'fixed'; readonly month: number; readonly day: number }
  | { readonly kind: 'weekday'; readonly month: number; readonly weekday: number; readonly nth: number }

/** A holiday of the calendar; customers can opt out of each one. */
export interface Holiday {
  readonly id: string
  readonly names: LocalizedText
  readonly date: HolidayDate
  readonly enabled: boolean
  /** Points granted with the greeting; 0 = greeting only. */
  readonly bonusPoints: Points
  /** Days the holiday bonus can be spent. */
  readonly bonusValidDays: number
  /** Personal holidays (Mother's/Father's Day): customers are asked beforehand whether they want it. */
  readonly sensitive: boolean
  /** Who gets this greeting; by default every member. */
  readonly audience: HolidayAudience
}

/** Which members a holiday greeting (and its bonus) goes to; every condition must hold. */
export interface HolidayAudience {
  /** Tier ids the greeting is for; empty = every tier. */
  readonly tiers: readonly string[]
  /** Purchases (not undone) a member needs; 0 = members who never bought get it too. */
  readonly minPurchases: number
  /** Only members who bought within this many days; 0 = no such limit. */
  readonly purchasedWithinDays: number
}

/** "We miss you" reminders. */
export interface ReactivationRules {
  readonly enabled: boolean
  /** Never remind earlier than this many days after the last purchase. */
  readonly minDays: number
  /** Remind after this percentage of the customer's own average gap (200 = twice). */
  readonly gapMultiplierPercent: number
  /** The "usual gap" of a customer with a single purchase, days. */
  readonly defaultIntervalDays: number
  /** Days between two reminders. */
  readonly cooldownDays: number
  /** Reminders per absence; a purchase resets the count. */
  readonly maxTries: number
}

/** A wall-clock time in the program time zone. */
export interface TimeOfDay {
  readonly hour: number
  readonly minute: number
}

/** Limits on everything that is not a direct answer to the customer. */
export interface MessagingRules {
  /** Promotional messages per customer in any 30 days. */
  readonly promoCapPer30Days: number
  /** No non-transactional message from `start` to `end` (may cross midnight); equal = none. */
  readonly quietHours: { readonly start: TimeOfDay; readonly end: TimeOfDay }
  /** Hour (0-23, program time zone) of the owners' daily digest. */
  readonly digestHour: number
}

/** Thresholds of lifecycle stages and purchase frequency. */
export interface SegmentRules {
  /** Regular (and "frequent" for loyalty types): at least this many purchases... */
  readonly regularPurchases: number
  /** ...within this many days. */
  readonly regularWindowDays: number
  /** Lapsed: no purchase for this many days. */
  readonly lapsedDays: number
  /** Churned: no purchase for this many days (more than lapsedDays). */
  readonly churnedDays: number
}
