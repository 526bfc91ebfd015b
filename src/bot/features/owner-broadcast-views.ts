import { InlineKeyboard } from 'grammy'
import type { TFunction } from 'i18next'
import type { BroadcastTally } from '../../db/broadcasts.ts'
import type { SegmentKey } from '../../services/reports.ts'
import { callbackCodec } from '../callback-data.ts'
import { BROADCAST_MESSAGE_KEY } from '../../services/broadcast.ts'

/** `bcast.1:ok` / `bcast.1:no`: Confirm and Cancel of the broadcast being composed. */
export const broadcastAnswer = callbackCodec<'ok' | 'no'>('bcast', 1, {
  encode: (answer) => [answer],
  decode: ([answer, ...rest]) =>
    rest.length === 0 && (answer === 'ok' || answer === 'no') ? answer : undefined,
})

/** The broadcast exactly as customers get it (the outbox renders the same key with the same text). */
export function broadcastMessage(t: TFunction, text: string): string {
  return t(BROADCAST_MESSAGE_KEY, { text })
}

/** The segment's name as /segments shows it. */
export function segmentName(t: TFunction, segment: SegmentKey): string {
  if (segment.kind === 'all') return t('owner_broadcast.everyone')
  return segment.kind === 'stage'
    ? t(`owner_segments.stage.${segment.stage}`)
    : t(`owner_segments.loyalty.${segment.loyalty}`)
}

/** Cancel while composing. */
export function cancelKeyboard(t: TFunction): InlineKeyboard {
  return new InlineKeyboard().text(t('owner_broadcast.cancel'), broadcastAnswer.encode('no'))
}

/** Send / Cancel under the preview. */
export function confirmKeyboard(t: TFunction): InlineKeyboard {
  return new InlineKeyboard()
    .text(t('owner_broadcast.confirm'), broadcastAnswer.encode('ok'))
    .text(t('owner_broadcast.cancel'), broadcastAnswer.encode('no'))
}

/** The progress message while sending, and the final report once nothing is pending. */
export function broadcastReportText(t: TFunction, total: number, tally: BroadcastTally): string {
  const vars = { total, sent: tally.sent, skipped: tally.skipped, unreachable: tally.unreachable }
  if (tally.pending > 0)
    return t('owner_broadcast.progress', { ...vars, done: tally.sent + tally.skipped + tally.unreachable })
  const report = t('owner_broadcast.report', vars)
  return tally.deferred > 0
    ? `${report}\n${t('owner_broadcast.deferred', { count: tally.deferred })}`
    : report
}
