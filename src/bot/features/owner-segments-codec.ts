import {
  LIFECYCLE_STAGES,
  LOYALTY_TYPES,
  type LifecycleStage,
  type LoyaltyType,
} from '../../domain/segments.ts'
import type { SegmentKey } from '../../services/reports.ts'
import { callbackCodec } from '../callback-data.ts'

/**
 * `seg.1:all`, `seg.1:s:<stage>`, `seg.1:l:<loyalty type>`: "broadcast to them" under /segments.
 * An unknown stage or type (forged, or from an older bot) decodes to undefined.
 */
export const segmentButton = callbackCodec<SegmentKey>('seg', 1, {
  encode: (key) =>
    key.kind === 'all' ? ['all'] : key.kind === 'stage' ? ['s', key.stage] : ['l', key.loyalty],
  decode: ([kind, value, ...rest]) => {
    if (rest.length > 0) return undefined
    if (kind === 'all' && value === undefined) return { kind: 'all' }
    if (kind === 's' && (LIFECYCLE_STAGES as readonly string[]).includes(value ?? ''))
      return { kind: 'stage', stage: value as LifecycleStage }
    if (kind === 'l' && (LOYALTY_TYPES as readonly string[]).includes(value ?? ''))
      return { kind: 'loyalty', loyalty: value as LoyaltyType }
    return undefined
  },
})
