import type { TFunction } from 'i18next'
import type { NpsSummary } from '../../domain/nps.ts'
import type { Program } from '../../domain/program.ts'
import type { FeedbackDetails, StaffLabel } from '../../services/nps.ts'
import type { NpsReport } from '../../services/nps-report.ts'
import { callbackCodec } from '../callback-data.ts'
import type { Language } from '../i18n/index.ts'
import { outletName } from './staff-views.ts'

const REF = /^[0-9a-f]{20}$/

/** A codec whose only field is a survey reference. */
function refCodec(name: string) {
  return callbackCodec<string>(name, 1, {
    encode: (ref) => [ref],
    decode: ([ref, ...rest]) => (rest.length === 0 && ref !== undefined && REF.test(ref) ? ref : undefined),
  })
}

/**
 * `nps.1:<ref>:<score>`: a score button of a survey. The score is passed on as typed so the domain
 * refuses a forged one (NPS.INVALID_SCORE).
 */
export const npsScoreButton = callbackCodec<{ ref: string; score: string }>('nps', 1, {
  encode: ({ ref, score }) => [ref, score],
  decode: ([ref, score, ...rest]) =>
    rest.length === 0 && ref !== undefined && REF.test(ref) && score !== undefined && /^\d{1,3}$/.test(score)
      ? { ref, score }
      : undefined,
})

/** `npsskip.1:<ref>`: Skip under the "why?" question. */
export const npsSkipButton = refCodec('npsskip')
/** `npsrep.1:<ref>`: an owner's Reply under a detractor alert. */
export const npsReplyButton = refCodec('npsrep')
/** `npsans.1:<ref>`: the customer's Answer under the owner's reply. */
export const npsAnswerButton = refCodec('npsans')
/** `npsx.1:<ref>`: Cancel while writing a reply or an answer. */
export const npsCancelButton = refCodec('npsx')

/**
 * The 0..10 buttons of a survey, as the outbox sends them: 0-5 and 6-10 in two rows, so they fit a
 * phone screen. Labels are translation keys (`nps.scores.7`).
 */
export function scoreButtonRows(ref: string): { labelKey: string; data: string }[][] {
  const button = (score: number) => ({
    labelKey: `nps.scores.${score}`,
    data: npsScoreButton.encode({ ref, score: String(score) }),
  })
  return [[0, 1, 2, 3, 4, 5].map(button), [6, 7, 8, 9, 10].map(button)]
}

/** "Насколько вероятно, что вы порекомендуете <shop> другу?" with the scale explained. */
export function questionText(t: TFunction, program: Program): string {
  return `${t('nps.question', { shop: program.shopName })}\n\n${t('nps.scale')}`
}

/** An NPS as people read it: "+25", "−13", "0"; "—" without answers. */
export function scoreText(score: number | null): string {
  if (score === null) return '—'
  return score > 0 ? `+${score}` : score < 0 ? `−${-score}` : '0'
}

/** The staff member as a name in `t`'s language. */
export function staffText(t: TFunction, label: StaffLabel): string {
  switch (label.kind) {
    case 'staff':
      return label.name
    case 'owner':
      return t('nps_owner.owner')
    case 'unknown':
      return t('nps_owner.staff_unknown', { id: label.id })
    case 'none':
      return '—'
  }
}

/** Longest comment kept inside the alert itself; a longer one goes in a message of its own before it. */
export const ALERT_COMMENT_INLINE_MAX = 3000

/**
 * The owner's alert about a detractor: score, customer, outlet, staff member, the comment (or that
 * the customer is still writing it), who handled it.
 */
export function alertText(t: TFunction, program: Program, details: FeedbackDetails): string {
  const { feedback, customer, staff } = details
  const comment = feedback.comment
  const lines = [
    t('nps_owner.alert', {
      score: feedback.score,
      name: customer?.name || t('nps_owner.customer_unknown'),
      outlet: outletName(program, feedback.outletId),
      staff: staffText(t, staff),
    }),
    feedback.awaitingComment
      ? t('nps_owner.comment_pending')
      : comment === null
        ? t('nps_owner.no_comment')
        : comment.length > ALERT_COMMENT_INLINE_MAX
          ? t('nps_owner.comment_separate')
          : t('nps_owner.comment', { comment }),
  ]
  if (feedback.handledBy) {
    lines.push(t('nps_owner.handled_by', { name: feedback.handledBy.name }))
    if (feedback.reply !== null) lines.push(t('nps_owner.reply_was', { text: feedback.reply }))
  }
  return lines.join('\n\n')
}

/** The `/nps` answer: score and counts, then the splits by outlet, staff member and touchpoint. */
export function reportText(
  t: TFunction,
  lang: Language,
  program: Program,
  report: NpsReport,
  staffNames: ReadonlyMap<string, string>,
): string {
  const period = t(`nps_owner.period.${report.period}`)
  if (report.overall.total === 0) return t('nps_owner.report_empty', { period })
  const line = (name: string, summary: NpsSummary) =>
    t('nps_owner.report_line', {
      name,
      score: scoreText(summary.score),
      answers: t('nps_owner.answers', { count: summary.total }),
    })
  const section = (title: string, groups: ReadonlyMap<string, NpsSummary>, nameOf: (key: string) => string) =>
    [t(title), ...[...groups].map(([key, summary]) => line(nameOf(key), summary))].join('\n')
  const touchpoint = (slug: string) => t(`nps_owner.touchpoint.${slug}`, { defaultValue: slug, lng: lang })
  return [
    t('nps_owner.report_title', { period, score: scoreText(report.overall.score) }),
    t('nps_owner.report_counts', {
      answers: t('nps_owner.answers', { count: report.overall.total }),
      promoters: report.overall.promoters,
      passives: report.overall.passives,
      detractors: report.overall.detractors,
    }),
    section('nps_owner.by_outlet', report.byOutlet, (id) => outletName(program, id)),
    section('nps_owner.by_staff', report.byStaff, (id) => staffNames.get(id) ?? id),
    section('nps_owner.by_touchpoint', report.byTouchpoint, touchpoint),
  ].join('\n\n')
}
