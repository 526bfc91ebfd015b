import { Composer } from 'grammy'
import type { TFunction } from 'i18next'
import type { Program } from '../../domain/program.ts'
import type { Context } from '../context.ts'
import type { Language } from '../i18n/index.ts'
import { ownerOnly } from './owner-stats.ts'
import { moneyText, pointsText, tierName } from './staff-views.ts'

/** Basis points as a percentage without floating point: 300 -> "3", 350 -> "3,5" / "3.5". */
export function percentText(bp: number, lang: Language): string {
  const whole = Math.floor(bp / 100)
  const rest = bp % 100
  if (rest === 0) return String(whole)
  const fraction = String(rest).padStart(2, '0').replace(/0$/, '')
  return `${whole}${lang === 'ru' ? ',' : '.'}${fraction}`
}

const time = ({ hour, minute }: { hour: number; minute: number }) =>
  `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`

/** "Rewards for points: A free coffee — 200 points, ..." (points mode only). */
function catalogueText(t: TFunction, lang: Language, program: Program): string {
  const { catalogue, nearPoints } = program.rewards
  if (program.mode !== 'points' || catalogue.length === 0) return t('owner_program.no_catalogue')
  const rewards = catalogue.map((reward) => `${reward.names[lang]} — ${pointsText(t, reward.points)}`)
  return t('owner_program.catalogue', { rewards: rewards.join(', '), near: pointsText(t, nearPoints) })
}

/** The effective rules in plain language: tiers, points, rewards, stamps, referral, messaging. */
export function programText(t: TFunction, lang: Language, program: Program): string {
  const money = (minor: number) => moneyText(program, minor, lang)
  const tiers = program.tiers.map((tier) =>
    t(program.mode === 'discount' ? 'owner_program.tier_discount' : 'owner_program.tier_points', {
      name: tierName(program, tier.id, lang),
      threshold: money(tier.threshold),
      rate: percentText(program.mode === 'discount' ? tier.discountBp : tier.earnRateBp, lang),
    }),
  )
  const window =
    program.tierWindow.kind === 'lifetime'
      ? t('owner_program.window_lifetime')
      : t('owner_program.window_rolling', { count: program.tierWindow.days })
  const lines = [
    t('owner_program.title', { shop: program.shopName }),
    [t('owner_program.tiers_title', { window }), ...tiers].join('\n'),
    [
      t('owner_program.welcome', { points: pointsText(t, program.points.welcomeBonus) }),
      t('owner_program.redeem_cap', { percent: percentText(program.points.redeemCapBp, lang) }),
      program.points.expiryDays > 0
        ? t('owner_program.expiry', { days: program.points.expiryDays, warning: program.points.warningDays })
        : t('owner_program.no_expiry'),
      catalogueText(t, lang, program),
      program.stampCard.enabled
        ? t('owner_program.stamps', { every: program.stampCard.every })
        : t('owner_program.no_stamps'),
      program.referral.enabled
        ? t('owner_program.referral', {
            inviter: pointsText(t, program.referral.inviterBonus),
            invitee: pointsText(t, program.referral.inviteeBonus),
          })
        : t('owner_program.no_referral'),
    ].join('\n'),
    [
      t('owner_program.promo_cap', { count: program.messaging.promoCapPer30Days }),
      t('owner_program.quiet_hours', {
        start: time(program.messaging.quietHours.start),
        end: time(program.messaging.quietHours.end),
      }),
      t('owner_program.digest', {
        hour: String(program.messaging.digestHour).padStart(2, '0'),
        zone: program.timeZone,
      }),
    ].join('\n'),
  ]
  return lines.join('\n\n')
}

/** `/program`: the rules the bot applies now (from the program file and its defaults). Owners only. */
export function createOwnerProgramFeature(): Composer<Context> {
  const composer = new Composer<Context>()
  composer.chatType('private').command('program', ownerOnly, async (ctx) => {
    await ctx.reply(programText(ctx.t, ctx.lang, ctx.config.program))
  })
  return composer
}
