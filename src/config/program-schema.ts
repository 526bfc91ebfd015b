import { IANAZone } from 'luxon'
import { z } from 'zod'
import { DEFAULT_HOLIDAYS, DEFAULT_REWARDS, DEFAULT_TIERS } from './program-defaults.ts'

/*
 * The program file as written by an owner: whole currency units, basis points, "HH:MM" times.
 * Every field is optional; unknown keys are refused so a typo never silently falls back to a
 * default. `toProgram` in program.ts turns the parsed file into the domain's `Program`.
 */

const int = (what: string) => z.int({ error: `expected ${what}` })
const nonNegative = () => int('a non-negative integer').min(0, { error: 'expected a non-negative integer' })
const positive = () => int('a positive integer').min(1, { error: 'expected a positive integer' })
const bp = () =>
  int('basis points (an integer, 100 = 1 %)')
    .min(0, { error: 'expected basis points from 0 to 10000' })
    .max(10_000, { error: 'expected basis points from 0 to 10000' })
const text = () => z.string({ error: 'expected text' }).trim().min(1, { error: 'expected non-empty text' })
const slug = () =>
  z
    .string({ error: 'expected an id' })
    .regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'expected an id of lowercase latin letters, digits, - and _' })
const flag = () => z.boolean({ error: 'expected true or false' })
const localized = () => z.strictObject({ ru: text(), en: text() })

const timeOfDay = z
  .string({ error: 'expected a time HH:MM' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time HH:MM (00:00-23:59)' })
  .transform((value) => ({ hour: Number(value.slice(0, 2)), minute: Number(value.slice(3, 5)) }))

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

const holidayDate = z
  .strictObject({
    month: int('a month 1-12')
      .min(1, { error: 'expected a month 1-12' })
      .max(12, { error: 'expected a month 1-12' }),
    day: positive().optional(),
    weekday: z.enum(WEEKDAYS, { error: `expected one of ${WEEKDAYS.join(', ')}` }).optional(),
    nth: z
      .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal('last')], {
        error: 'expected 1, 2, 3, 4 or last',
      })
      .optional(),
  })
  .superRefine((date, ctx) => {
    const byDay = date.day !== undefined
    const byWeekday = date.weekday !== undefined || date.nth !== undefined
    if (byDay === byWeekday) {
      ctx.addIssue({ code: 'custom', message: 'expected either { month, day } or { month, weekday, nth }' })
    } else if (byWeekday && (date.weekday === undefined || date.nth === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected both weekday and nth' })
    } else if (byDay && (date.day ?? 0) > (DAYS_IN_MONTH[date.month - 1] ?? 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['day'],
        message: `expected a day that exists in month ${date.month}`,
      })
    }
  })
  .transform((date) =>
    date.day !== undefined
      ? { kind: 'fixed' as const, month: date.month, day: date.day }
      : {
          kind: 'weekday' as const,
          month: date.month,
          weekday: WEEKDAYS.indexOf(date.weekday ?? 'monday') + 1,
          nth: date.nth === 'last' ? -1 : (date.nth ?? 1),
        },
  )

const tier = z.strictObject({
  id: slug(),
  names: localized(),
  threshold: nonNegative(),
  earnRateBp: bp().prefault(0),
  discountBp: bp().prefault(0),
})

const catalogueReward = z.strictObject({
  // Short: a desk button carries it with the customer id within Telegram's 64 bytes.
  id: slug().max(24, { error: 'expected an id of at most 24 characters' }),
  names: localized(),
  points: positive(),
})

const holiday = z.strictObject({
  id: slug(),
  names: localized(),
  date: holidayDate,
  enabled: flag().prefault(true),
  bonusPoints: nonNegative().prefault(0),
  bonusValidDays: positive().prefault(7),
  sensitive: flag().prefault(false),
  audience: z
    .strictObject({
      tiers: z.array(slug()).prefault([]),
      minPurchases: nonNegative().prefault(0),
      purchasedWithinDays: nonNegative().prefault(0),
    })
    .prefault({}),
})

const tierWindow = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('rolling'),
      days: positive().prefault(365),
      reviewEvery: z
        .enum(['month', 'quarter', 'year'], { error: 'expected month, quarter or year' })
        .prefault('month'),
    }),
    z.strictObject({ kind: z.literal('lifetime') }),
  ],
  { error: 'expected kind: rolling or kind: lifetime' },
)

/** The schema of the program file; each section defaults as a whole when left out. */
export const programFileSchema = z
  .strictObject(
    {
      shopName: text().prefault('Кофейня'),
      timeZone: z
        .string({ error: 'expected an IANA time zone' })
        .refine((zone) => IANAZone.isValidZone(zone), {
          error: 'expected an IANA time zone such as Europe/Moscow',
        })
        .prefault('Europe/Moscow'),
      currency: z
        .strictObject({
          code: z
            .string()
            .regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 code such as RUB' })
            .prefault('RUB'),
          minorUnits: int('0-4')
            .min(0, { error: 'expected 0-4' })
            .max(4, { error: 'expected 0-4' })
            .prefault(2),
          symbol: text().prefault('₽'),
        })
        .prefault({}),
      rulesUrl: z
        .url({ error: 'expected an http(s) URL', protocol: /^https?$/ })
        .nullable()
        .prefault(null),
      mode: z.enum(['points', 'discount'], { error: 'expected points or discount' }).prefault('points'),
      tiers: z
        .array(tier, { error: 'expected a list of tiers' })
        .min(1, { error: 'expected at least one tier' })
        .prefault(DEFAULT_TIERS),
      tierWindow: tierWindow.prefault({ kind: 'rolling' }),
      points: z
        .strictObject({
          welcomeBonus: nonNegative().prefault(100),
          redeemCapBp: bp().prefault(3_000),
          expiryDays: nonNegative().prefault(365),
          warningDays: nonNegative().prefault(14),
        })
        .prefault({}),
      purchases: z
        .strictObject({
          maxAmount: positive().prefault(1_000_000),
          redemptionTimeoutSeconds: positive().prefault(120),
          undoWindowMinutes: nonNegative().prefault(10),
        })
        .prefault({}),
      stampCard: z
        .strictObject({
          enabled: flag().prefault(true),
          every: int('an integer of at least 2')
            .min(2, { error: 'expected an integer of at least 2' })
            .prefault(6),
          rewardNames: localized().prefault({ ru: 'Кофе в подарок', en: 'A free coffee' }),
        })
        .prefault({}),
      rewards: z
        .strictObject({
          catalogue: z
            .array(catalogueReward, { error: 'expected a list of rewards' })
            .prefault(DEFAULT_REWARDS),
          nearPoints: nonNegative().prefault(50),
        })
        .prefault({}),
      referral: z
        .strictObject({
          enabled: flag().prefault(true),
          inviterBonus: nonNegative().prefault(100),
          inviteeBonus: nonNegative().prefault(100),
          minPurchase: nonNegative().prefault(300),
        })
        .prefault({}),
      giftCertificates: z
        .strictObject({ enabled: flag().prefault(true), validDays: nonNegative().prefault(365) })
        .prefault({}),
      outlets: z
        .array(z.strictObject({ id: slug(), name: text() }), { error: 'expected a list of outlets' })
        .min(1, { error: 'expected at least one outlet' })
        .optional(),
      nps: z
        .strictObject({
          enabled: flag().prefault(true),
          delayMinutes: nonNegative().prefault(120),
          cooldownDays: nonNegative().prefault(30),
          expiryHours: positive().prefault(72),
          touchpoints: z
            .array(slug())
            .min(1, { error: 'expected at least one touchpoint' })
            .prefault(['purchase', 'redemption']),
        })
        .prefault({}),
      birthday: z
        .strictObject({
          enabled: flag().prefault(true),
          bonusPoints: nonNegative().prefault(200),
          validDays: positive().prefault(7),
          earlyGreetingDays: nonNegative().prefault(0),
          changeCooldownDays: nonNegative().prefault(365),
        })
        .prefault({}),
      holidays: z.array(holiday, { error: 'expected a list of holidays' }).prefault(DEFAULT_HOLIDAYS),
      reactivation: z
        .strictObject({
          enabled: flag().prefault(true),
          minDays: positive().prefault(21),
          gapMultiplierPercent: int('a percentage of at least 100')
            .min(100, { error: 'expected a percentage of at least 100' })
            .prefault(200),
          defaultIntervalDays: positive().prefault(30),
          cooldownDays: nonNegative().prefault(30),
          maxTries: nonNegative().prefault(3),
        })
        .prefault({}),
      messaging: z
        .strictObject({
          promoCapPer30Days: nonNegative().prefault(3),
          quietHours: z
            .strictObject({ start: timeOfDay.prefault('21:00'), end: timeOfDay.prefault('10:00') })
            .prefault({}),
          digestHour: int('an hour 0-23')
            .min(0, { error: 'expected an hour 0-23' })
            .max(23, { error: 'expected an hour 0-23' })
            .prefault(9),
        })
        .prefault({}),
      segments: z
        .strictObject({
          regularPurchases: int('an integer of at least 2')
            .min(2, { error: 'expected an integer of at least 2' })
            .prefault(4),
          regularWindowDays: positive().prefault(30),
          lapsedDays: positive().prefault(45),
          churnedDays: positive().prefault(120),
        })
        .prefault({}),
    },
    { error: 'expected a mapping of program settings' },
  )
  .superRefine(checkConsistency)

/** The program file after parsing, still in file units. */
export type ProgramFile = z.output<typeof programFileSchema>

type Draft = Omit<ProgramFile, never>

function checkConsistency(file: Draft, ctx: z.RefinementCtx): void {
  file.tiers.forEach((current, index) => {
    const previous = file.tiers[index - 1]
    if (previous === undefined && current.threshold !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['tiers', index, 'threshold'],
        message: 'expected 0: the first tier is where everyone starts',
      })
    }
    if (previous !== undefined && current.threshold <= previous.threshold) {
      ctx.addIssue({
        code: 'custom',
        path: ['tiers', index, 'threshold'],
        message: `expected a positive integer above the previous tier's ${previous.threshold}`,
      })
    }
  })
  for (const [name, list] of [
    ['tiers', file.tiers],
    ['holidays', file.holidays],
    ['rewards.catalogue', file.rewards.catalogue],
    ['outlets', file.outlets ?? []],
  ] as const) {
    list.forEach((item, index) => {
      if (list.findIndex((other) => other.id === item.id) !== index) {
        ctx.addIssue({
          code: 'custom',
          path: [name, index, 'id'],
          message: `expected a unique id, "${item.id}" is repeated`,
        })
      }
    })
  }
  file.holidays.forEach((holiday, index) => {
    holiday.audience.tiers.forEach((tierId, at) => {
      if (!file.tiers.some((tier) => tier.id === tierId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['holidays', index, 'audience', 'tiers', at],
          message: `expected one of the tier ids (${file.tiers.map((tier) => tier.id).join(', ')})`,
        })
      }
    })
  })
  if (file.segments.churnedDays <= file.segments.lapsedDays) {
    ctx.addIssue({
      code: 'custom',
      path: ['segments', 'churnedDays'],
      message: 'expected more days than lapsedDays',
    })
  }
  if (file.points.expiryDays > 0 && file.points.warningDays >= file.points.expiryDays) {
    ctx.addIssue({
      code: 'custom',
      path: ['points', 'warningDays'],
      message: 'expected fewer days than expiryDays',
    })
  }
}
