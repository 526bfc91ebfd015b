import { InlineKeyboard } from 'grammy'
import type { TFunction } from 'i18next'
import type { BroadcastTally } from '../../db/broadcasts.ts'
import type { LinkButton } from '../../domain/link-button.ts'
import type { SegmentKey } from '../../services/reports.ts'
import { callbackCodec } from '../callback-data.ts'
import { BROADCAST_MESSAGE_KEY } from '../../services/broadcast.ts'

/** Answers while composing: Send, Cancel, "no photo", "no button". */
const ANSWERS = ['ok', 'no', 'nophoto', 'nolink'] as const

/** An answer button of the broadcast being composed. */
export type BroadcastAnswer = (typeof ANSWERS)[number]

/** `bcast.1:ok` / `no` / `nophoto` / `nolink`: the buttons of the broadcast being composed. */
export const broadcastAnswer = callbackCodec<BroadcastAnswer>('bcast', 1, {
  encode: (answer) => [answer],
  decode: ([answer, ...rest]) =>
    rest.length === 0 && (ANSWERS as readonly string[]).includes(answer ?? '')
      ? (answer as BroadcastAnswer)
      : undefined,
})

/** `bstop.1:<broadcast id>`: Stop under a running broadcast's progress (owners only). */
export const broadcastStop = callbackCodec<string>('bstop', 1, {
  encode: (id) => [id],
  decode: ([id, ...rest]) => (rest.length === 0 && /^[0-9a-f]{16}$/.test(id ?? '') ? id : undefined),
})

/** The broadcast's text exactly as customers get it (the outbox renders the same key with the same text). */
export function broadcastMessage(t: TFunction, text: string): string {
  return t(BROADCAST_MESSAGE_KEY, { text })
}

/** The link button under the broadcast, as customers get it (none when the owner added none). */
export function linkKeyboard(button: LinkButton | null): InlineKeyboard | undefined {
  return button ? new InlineKeyboard().url(button.label, button.url) : undefined
}

/** Stop under the progress message (and under a report while messages still wait). */
export function stopKeyboard(t: TFunction, broadcastId: string): InlineKeyboard {
  return new InlineKeyboard().text(t('owner_broadcast.stop'), broadcastStop.encode(broadcastId))
}

/** "No photo" or "No button", and Cancel, while composing. */
export function skipKeyboard(t: TFunction, skip: 'nophoto' | 'nolink'): InlineKeyboard {
  return new InlineKeyboard()
    .text(
      t(skip === 'nophoto' ? 'owner_broadcast.no_photo' : 'owner_broadcast.no_link'),
      broadcastAnswer.encode(skip),
    )
    .text(t('owner_broadcast.cancel'), broadcastAnswer.encode('no'))
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

/**
 * The progress message while sending, and the final report once nothing is pending; a stopped
 * broadcast's report counts as not sent everyone it did not reach (dropped, or never queued).
 */
export function broadcastReportText(
  t: TFunction,
  total: number,
  tally: BroadcastTally,
  stopped = false,
): string {
  const vars = { total, sent: tally.sent, skipped: tally.skipped, unreachable: tally.unreachable }
  const reached = tally.sent + tally.skipped + tally.unreachable + tally.unconfirmed
  if (stopped)
    return tally.pending > 0
      ? t('owner_broadcast.stopping_progress', vars)
      : t('owner_broadcast.report_stopped', { ...vars, cancelled: total - reached })
  if (tally.pending > 0) return t('owner_broadcast.progress', { ...vars, done: reached })
  const lines = [t('owner_broadcast.report', vars)]
  if (tally.unconfirmed > 0) lines.push(t('owner_broadcast.unconfirmed', { count: tally.unconfirmed }))
  if (tally.deferred > 0) lines.push(t('owner_broadcast.deferred', { count: tally.deferred }))
  return lines.join('\n')
}
