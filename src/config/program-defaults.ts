/**
 * Defaults of the program file for a Russian café, in file units (whole roubles, basis points).
 * `program.example.yaml` at the repo root spells out the same values with comments; a test keeps
 * the two equal.
 */

/** Three tiers: 3 % / 5 % / 7 % back, thresholds on spend over the last 365 days. */
export const DEFAULT_TIERS = [
  { id: 'bronze', names: { ru: 'Бронза', en: 'Bronze' }, threshold: 0, earnRateBp: 300, discountBp: 300 },
  {
    id: 'silver',
    names: { ru: 'Серебро', en: 'Silver' },
    threshold: 15_000,
    earnRateBp: 500,
    discountBp: 500,
  },
  { id: 'gold', names: { ru: 'Золото', en: 'Gold' }, threshold: 40_000, earnRateBp: 700, discountBp: 700 },
]

/**
 * The points catalogue of a café: with 1 point = 1 rouble and 3-7 % back, a coffee is a treat after
 * a few weeks of visits, a dessert a little later. The cheapest one is what the "you are 50 points
 * from ..." reminder usually names.
 */
export const DEFAULT_REWARDS = [
  { id: 'coffee', names: { ru: 'Кофе в подарок', en: 'A free coffee' }, points: 200 },
  { id: 'dessert', names: { ru: 'Десерт в подарок', en: 'A free dessert' }, points: 300 },
]

/**
 * Russian holidays worth greeting café customers on. Mother's and Father's Day are personal and
 * flagged sensitive (customers are asked first). Knowledge Day and Unity Day are listed but off:
 * a state holiday greeting without a personal angle reads as spam and eats the promo cap.
 */
export const DEFAULT_HOLIDAYS = [
  {
    id: 'new-year',
    names: { ru: 'Новый год', en: 'New Year' },
    date: { month: 1, day: 1 },
  },
  {
    id: 'defender-day',
    names: { ru: 'День защитника Отечества', en: 'Defender of the Fatherland Day' },
    date: { month: 2, day: 23 },
  },
  {
    id: 'womens-day',
    names: { ru: 'Международный женский день', en: "International Women's Day" },
    date: { month: 3, day: 8 },
  },
  {
    id: 'knowledge-day',
    names: { ru: 'День знаний', en: 'Knowledge Day' },
    date: { month: 9, day: 1 },
    enabled: false,
  },
  {
    id: 'fathers-day',
    names: { ru: 'День отца', en: "Father's Day" },
    date: { month: 10, weekday: 'sunday' as const, nth: 3 as const },
    sensitive: true,
  },
  {
    id: 'unity-day',
    names: { ru: 'День народного единства', en: 'Unity Day' },
    date: { month: 11, day: 4 },
    enabled: false,
  },
  {
    id: 'mothers-day',
    names: { ru: 'День матери', en: "Mother's Day" },
    date: { month: 11, weekday: 'sunday' as const, nth: 'last' as const },
    sensitive: true,
  },
]
