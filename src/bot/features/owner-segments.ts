import { Composer, InlineKeyboard } from 'grammy'
import type { TFunction } from 'i18next'
import { LIFECYCLE_STAGES, LOYALTY_TYPES } from '../../domain/segments.ts'
import type { SegmentCounts } from '../../services/reports.ts'
import type { Context } from '../context.ts'
import { segmentButton } from './owner-segments-codec.ts'
import { ownerOnly } from './owner-stats.ts'

/** The `/segments` text: members, then counts per lifecycle stage and per loyalty type. */
export function segmentsText(t: TFunction, counts: SegmentCounts): string {
  const stages = LIFECYCLE_STAGES.map((stage) =>
    t('owner_segments.line', {
      name: t(`owner_segments.stage.${stage}`),
      count: counts.stages.get(stage) ?? 0,
    }),
  )
  const loyalty = LOYALTY_TYPES.map((type) =>
    t('owner_segments.line', {
      name: t(`owner_segments.loyalty.${type}`),
      count: counts.loyalty.get(type) ?? 0,
    }),
  )
  return [
    t('owner_segments.title', { count: counts.total }),
    [t('owner_segments.stages_title'), ...stages].join('\n'),
    [t('owner_segments.loyalty_title'), ...loyalty].join('\n'),
    t('owner_segments.hint'),
  ].join('\n\n')
}

/** A "broadcast to them" button per non-empty segment, and one for everybody. */
export function segmentsKeyboard(t: TFunction, counts: SegmentCounts): InlineKeyboard {
  const keyboard = new InlineKeyboard()
  for (const stage of LIFECYCLE_STAGES)
    if ((counts.stages.get(stage) ?? 0) > 0)
      keyboard
        .text(
          t('owner_segments.broadcast_to', { name: t(`owner_segments.stage.${stage}`) }),
          segmentButton.encode({ kind: 'stage', stage }),
        )
        .row()
  for (const type of LOYALTY_TYPES)
    if ((counts.loyalty.get(type) ?? 0) > 0)
      keyboard
        .text(
          t('owner_segments.broadcast_to', { name: t(`owner_segments.loyalty.${type}`) }),
          segmentButton.encode({ kind: 'loyalty', loyalty: type }),
        )
        .row()
  if (counts.total > 0)
    keyboard.text(t('owner_segments.broadcast_all'), segmentButton.encode({ kind: 'all' }))
  return keyboard
}

/** `/segments`: how many members are in each lifecycle stage and loyalty type, with a broadcast button each. */
export function createOwnerSegmentsFeature(): Composer<Context> {
  const composer = new Composer<Context>()
  const feature = composer.chatType('private')
  feature.command('segments', ownerOnly, async (ctx) => {
    const counts = await ctx.services.reports.segments()
    await ctx.reply(segmentsText(ctx.t, counts), { reply_markup: segmentsKeyboard(ctx.t, counts) })
  })
  return composer
}
