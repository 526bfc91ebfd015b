import { InlineKeyboard, InputFile } from 'grammy'
import type { TFunction } from 'i18next'
import { DateTime } from 'luxon'
import { renderRevenueChart } from '../../charts/revenue-chart.ts'
import type { LocalDate } from '../../domain/calendar.ts'
import type { Program } from '../../domain/program.ts'
import type { ChartDay, Digest, Figures, StatsReport } from '../../services/reports.ts'
import type { Language } from '../i18n/index.ts'
import { npsReplyButton } from './nps-views.ts'
import { moneyText } from './staff-views.ts'

/** Telegram's caption limit: a digest that fits goes out as one photo with its text. */
export const CAPTION_MAX = 1024

/** A detractor comment is cut to this many characters in the digest (the full one is in the alert). */
const COMMENT_MAX = 160

/** "1 марта" / "March 1"; with the year, "1 марта 2026" / "March 1, 2026". */
export function dayText(day: LocalDate, lang: Language, withYear = false): string {
  const format = lang === 'ru' ? 'd MMMM' : 'MMMM d'
  return DateTime.fromObject(day, { zone: 'UTC' })
    .setLocale(lang)
    .toFormat(withYear ? `${format}${lang === 'ru' ? ' yyyy' : ', yyyy'}` : format)
}

function npsScoreText(score: number | null): string {
  return score === null ? '—' : score > 0 ? `+${score}` : String(score)
}

/** The change of `value` against `base`, e.g. "▲ +25%", "▼ −10%", "=", "▲ from 0". */
export function changeText(t: TFunction, value: number, base: number): string {
  if (value === base) return t('owner_report.change_same')
  if (base === 0) return t('owner_report.change_from_zero')
  const percent = Math.round((Math.abs(value - base) * 100) / base)
  return t(value > base ? 'owner_report.change_up' : 'owner_report.change_down', { percent })
}

/** Each figure as [key, value text, number to compare]; NPS is compared by its score. */
function figureEntries(t: TFunction, lang: Language, program: Program, figures: Figures) {
  const money = (minor: number) => moneyText(program, minor, lang)
  return [
    ['new_members', String(figures.newMembers), figures.newMembers],
    ['active_customers', String(figures.activeCustomers), figures.activeCustomers],
    ['purchases', String(figures.purchases), figures.purchases],
    ['revenue', money(figures.revenue), figures.revenue],
    ['average_check', money(figures.averageCheck), figures.averageCheck],
    ['points_issued', String(figures.pointsIssued), figures.pointsIssued],
    ['points_redeemed', String(figures.pointsRedeemed), figures.pointsRedeemed],
    ['points_expired', String(figures.pointsExpired), figures.pointsExpired],
    ['liability', String(figures.liability), figures.liability],
    ['tier_changes', String(figures.tierChanges), figures.tierChanges],
  ] as const
}

function npsLine(t: TFunction, figures: Figures): string {
  const { nps } = figures
  if (nps.total === 0) return t('owner_report.nps_none')
  return t('owner_report.nps', {
    score: npsScoreText(nps.score),
    answers: t('owner_report.answers', { count: nps.total }),
    promoters: nps.promoters,
    passives: nps.passives,
    detractors: nps.detractors,
  })
}

/** The figures of a span, one per line, with an optional comparison after each. */
function figureLines(
  t: TFunction,
  lang: Language,
  program: Program,
  figures: Figures,
  compare?: { dayBefore: Figures; weekAverage: Figures },
): string[] {
  const before = compare ? figureEntries(t, lang, program, compare.dayBefore) : []
  const average = compare ? figureEntries(t, lang, program, compare.weekAverage) : []
  const lines = figureEntries(t, lang, program, figures).map(([key, text, value], index) => {
    const line = t(`owner_report.figure.${key}`, { value: text })
    if (!compare) return line
    return t('owner_report.compared', {
      line,
      vsDay: changeText(t, value, before[index]![2]),
      vsWeek: changeText(t, value, average[index]![2]),
    })
  })
  return [...lines, npsLine(t, figures)]
}

/** The `/stats` message: the period's figures; a typed range names its days with the year. */
export function statsText(t: TFunction, lang: Language, program: Program, report: StatsReport): string {
  const withYear = report.period === 'range'
  const title = t('owner_report.stats_title', {
    period: t(`owner_report.period.${report.period}`),
    from: dayText(report.from, lang, withYear),
    to: dayText(report.to, lang, withYear),
  })
  return [title, figureLines(t, lang, program, report.figures).join('\n')].join('\n\n')
}

/** The digest message: yesterday's figures compared, birthdays, lapsed, the open detractor comments. */
export function digestText(t: TFunction, lang: Language, program: Program, digest: Digest): string {
  const title = t('owner_report.digest_title', { day: dayText(digest.day, lang) })
  const body = digest.quiet
    ? t('owner_report.digest_quiet', {
        liability: digest.yesterday.liability,
      })
    : [
        t('owner_report.digest_legend'),
        figureLines(t, lang, program, digest.yesterday, digest).join('\n'),
      ].join('\n')
  const attention = [
    t('owner_report.birthdays_today', { count: digest.birthdaysToday }),
    t('owner_report.lapsed', { count: digest.lapsedCustomers }),
  ].join('\n')
  const comments =
    digest.comments.length === 0
      ? []
      : [
          [
            t('owner_report.comments_title'),
            ...digest.comments.map((comment, index) =>
              t('owner_report.comment', {
                number: index + 1,
                score: comment.score,
                comment:
                  comment.comment.length > COMMENT_MAX
                    ? `${comment.comment.slice(0, COMMENT_MAX - 1)}…`
                    : comment.comment,
              }),
            ),
          ].join('\n'),
        ]
  return [title, body, attention, ...comments].join('\n\n')
}

/** One Reply button per open detractor comment (the NPS feature's own reply button and flow). */
export function digestKeyboard(t: TFunction, digest: Digest): InlineKeyboard | undefined {
  if (digest.comments.length === 0) return undefined
  const keyboard = new InlineKeyboard()
  digest.comments.forEach((comment, index) =>
    keyboard
      .text(t('owner_report.reply_button', { number: index + 1 }), npsReplyButton.encode(comment.ref))
      .row(),
  )
  return keyboard
}

/** True when the chart would show nothing at all (no revenue, no NPS in 30 days). */
export function isEmptyChart(chart: readonly ChartDay[]): boolean {
  return chart.every((day) => day.revenue === 0 && day.nps === null)
}

/** The 30-day chart as a PNG photo, labelled in `lang`. */
export function chartPhoto(
  t: TFunction,
  lang: Language,
  program: Program,
  chart: readonly ChartDay[],
): InputFile {
  const png = renderRevenueChart(
    chart.map((day) => ({
      label: DateTime.fromObject(day.day, { zone: 'UTC' }).toFormat(lang === 'ru' ? 'dd.MM' : 'M/d'),
      revenue: day.revenue,
      nps: day.nps,
    })),
    {
      title: t('owner_report.chart_title'),
      revenue: t('owner_report.chart_revenue'),
      nps: t('owner_report.chart_nps'),
      revenueMax: moneyText(program, Math.max(0, ...chart.map((day) => day.revenue)), lang),
    },
  )
  return new InputFile(png, 'chart.png')
}
