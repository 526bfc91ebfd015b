import { DomainError } from './errors.ts'

/** Where a 0-10 answer puts the customer: 0-6 detractor, 7-8 passive, 9-10 promoter. */
export type NpsCategory = 'detractor' | 'passive' | 'promoter'

/** A score on the standard 0..10 scale. */
export type NpsScore = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10

/** True for an integer from 0 to 10. */
export function isNpsScore(value: unknown): value is NpsScore {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10
}

/**
 * Reads a score from a button payload or a typed message ("9"); refuses anything but an integer
 * 0..10 with NPS.INVALID_SCORE (forged callback data included).
 */
export function parseNpsScore(input: string | number): NpsScore {
  const value = typeof input === 'number' ? input : /^\s*\d{1,2}\s*$/.test(input) ? Number(input) : NaN
  if (!isNpsScore(value)) throw new DomainError('NPS.INVALID_SCORE', { input: String(input) })
  return value
}

/** The category of a score; refuses a non-score with NPS.INVALID_SCORE. */
export function npsCategory(score: number): NpsCategory {
  if (!isNpsScore(score)) throw new DomainError('NPS.INVALID_SCORE', { input: String(score) })
  return score <= 6 ? 'detractor' : score <= 8 ? 'passive' : 'promoter'
}

/** The "why?" question asked after a score, as a translation key worded by category. */
export function followUpKey(category: NpsCategory): string {
  return `nps.follow_up.${category}`
}

/** Counts and score of a set of answers. */
export interface NpsSummary {
  /** % promoters - % detractors as an integer -100..100; null when nobody answered. */
  readonly score: number | null
  readonly promoters: number
  readonly passives: number
  readonly detractors: number
  readonly total: number
}

/**
 * NPS = % promoters − % detractors (passives count in the total only), as an integer rounded
 * half away from zero: 1 promoter of 8 answers is 12.5 -> 13, 1 detractor of 8 is -13. With no
 * answers the score is null, not 0, so "no data" never reads as "neutral".
 */
export function npsOf(answers: Iterable<{ readonly score: number }>): NpsSummary {
  let promoters = 0
  let passives = 0
  let detractors = 0
  for (const answer of answers) {
    const category = npsCategory(answer.score)
    if (category === 'promoter') promoters += 1
    else if (category === 'passive') passives += 1
    else detractors += 1
  }
  const total = promoters + passives + detractors
  return {
    score: total === 0 ? null : roundedPercent(promoters - detractors, total),
    promoters,
    passives,
    detractors,
    total,
  }
}

/** round(100 * part / total) half away from zero, in integers only. */
function roundedPercent(part: number, total: number): number {
  const magnitude = Math.floor((200 * Math.abs(part) + total) / (2 * total))
  return part < 0 ? -magnitude : magnitude
}

/**
 * NPS per group (outlet, staff member, touchpoint, week...): answers whose `keyOf` is null are
 * left out. Groups keep the order in which their first answer appears.
 */
export function npsBy<T extends { readonly score: number }>(
  answers: Iterable<T>,
  keyOf: (answer: T) => string | null,
): Map<string, NpsSummary> {
  const groups = new Map<string, T[]>()
  for (const answer of answers) {
    const key = keyOf(answer)
    if (key === null) continue
    const group = groups.get(key)
    if (group) group.push(answer)
    else groups.set(key, [answer])
  }
  return new Map([...groups].map(([key, group]) => [key, npsOf(group)]))
}
