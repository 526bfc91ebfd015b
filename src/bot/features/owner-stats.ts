import { Composer } from 'grammy'
import type { Context } from '../context.ts'
import { localDate } from '../../domain/calendar.ts'
import { MAX_RANGE_DAYS, parseDateRange, type DateRange } from '../../domain/date-range.ts'
import { isStatsPeriod, type StatsPeriod } from '../../services/reports.ts'
import { languageOf } from '../i18n/index.ts'
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
 * `/stats [today|7d|30d|month]` (default 7 days), or `/stats <from> <to>` for past days
 * (`2026-11-01 2026-11-15`, `01.11.2026 15.11.2026`, `01.11-15.11` in the current year): the digest's figures for the period, then the
 * 30-day chart (revenue bars, NPS line) unless there is nothing to draw.
 */
export function createOwnerStatsFeature(): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')

  feature.command('stats', ownerOnly, async (ctx) => {
    const argument = ctx.match.trim().toLowerCase()
    let period: StatsPeriod | DateRange = DEFAULT_PERIOD
    if (isStatsPeriod(argument)) period = argument
    else if (argument !== '') {
      const typed = parseDateRange(argument, localDate(ctx.services.clock.now(), ctx.config.program.timeZone))
      if (!typed.ok) {
        await ctx.reply(
          ctx.t(`owner_report.range_error.${typed.error}`, { max: MAX_RANGE_DAYS }) +
            '\n\n' +
            ctx.t('owner_report.usage'),
        )
        return
      }
      period = typed.range
    }
    const lang = languageOf(ctx.lang)
    const report = await ctx.services.reports.stats(period)
    await ctx.reply(statsText(ctx.t, lang, ctx.config.program, report))
    if (!isEmptyChart(report.chart))
      await ctx.replyWithPhoto(chartPhoto(ctx.t, lang, ctx.config.program, report.chart))
  })

  return composer
}
