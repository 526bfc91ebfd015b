import { Composer } from 'grammy'
import type { Context } from '../context.ts'
import { isStatsPeriod, type StatsPeriod } from '../../services/reports.ts'
import { languageOf } from './staff-views.ts'
import { chartPhoto, isEmptyChart, statsText } from './owner-stats-views.ts'

/** Owners only: staff and customers are told the command is not for them, and nothing happens. */
export const ownerOnly = async (ctx: Context, next: () => Promise<void>): Promise<void> => {
  if (ctx.role === 'owner') return next()
  if (ctx.callbackQuery)
    await ctx.answerCallbackQuery({ text: ctx.t('errors.not_allowed'), show_alert: true })
  else await ctx.reply(ctx.t('errors.not_allowed'))
}

/** The default `/stats` period. */
const DEFAULT_PERIOD: StatsPeriod = '7d'

/**
 * `/stats [today|7d|30d|month]` (default 7 days): the digest's figures for the period, then the
 * 30-day chart (revenue bars, NPS line) unless there is nothing to draw.
 */
export function createOwnerStatsFeature(): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')

  feature.command('stats', ownerOnly, async (ctx) => {
    const argument = ctx.match.trim().toLowerCase()
    if (argument !== '' && !isStatsPeriod(argument)) {
      await ctx.reply(ctx.t('owner_report.usage'))
      return
    }
    const lang = languageOf(ctx.lang)
    const report = await ctx.services.reports.stats(argument === '' ? DEFAULT_PERIOD : argument)
    await ctx.reply(statsText(ctx.t, lang, ctx.config.program, report))
    if (!isEmptyChart(report.chart))
      await ctx.replyWithPhoto(chartPhoto(ctx.t, lang, ctx.config.program, report.chart))
  })

  return composer
}
