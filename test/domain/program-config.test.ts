import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadProgram, parseProgram, parseProgramYaml, ProgramConfigError } from '../../src/config/program.ts'

const EXAMPLE = fileURLToPath(new URL('../../program.example.yaml', import.meta.url))

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run()
  } catch (error) {
    if (error instanceof ProgramConfigError) return error.problems
    throw error
  }
  return []
}

describe('program defaults', () => {
  it('should give a Russian café program when nothing is configured', () => {
    const program = parseProgram({})
    expect(program.shopName).toBe('Кофейня')
    expect(program.timeZone).toBe('Europe/Moscow')
    expect(program.currency).toEqual({ code: 'RUB', minorUnits: 2, symbol: '₽' })
    expect(program.mode).toBe('points')
    expect(program.tiers.map((tier) => [tier.id, tier.threshold, tier.earnRateBp])).toEqual([
      ['bronze', 0, 300],
      ['silver', 1_500_000, 500],
      ['gold', 4_000_000, 700],
    ])
    expect(program.tierWindow).toEqual({ kind: 'rolling', days: 365, reviewEvery: 'month' })
    expect(program.points).toEqual({ welcomeBonus: 100, redeemCapBp: 3000, expiryDays: 365, warningDays: 14 })
    expect(program.purchases).toEqual({
      maxAmount: 100_000_000,
      redemptionTimeoutSeconds: 120,
      undoWindowMinutes: 10,
    })
    expect(program.referral.minPurchase).toBe(30_000)
    expect(program.outlets).toEqual([{ id: 'main', name: 'Кофейня' }])
    expect(program.nps).toMatchObject({ delayMinutes: 120, cooldownDays: 30, expiryHours: 72 })
    expect(program.messaging).toEqual({
      promoCapPer30Days: 3,
      quietHours: { start: { hour: 21, minute: 0 }, end: { hour: 10, minute: 0 } },
      digestHour: 9,
    })
    const mothers = program.holidays.find((holiday) => holiday.id === 'mothers-day')
    expect(mothers).toMatchObject({
      sensitive: true,
      date: { kind: 'weekday', month: 11, weekday: 7, nth: -1 },
    })
  })

  it('should be deeply frozen', () => {
    const program = parseProgram({})
    expect(Object.isFrozen(program)).toBe(true)
    expect(Object.isFrozen(program.tiers[1])).toBe(true)
    expect(Object.isFrozen(program.messaging.quietHours.start)).toBe(true)
  })

  it('should keep program.example.yaml identical to the defaults it documents', () => {
    expect(loadProgram(EXAMPLE)).toEqual(parseProgram({}))
  })

  it('should treat an empty file as all defaults', () => {
    expect(parseProgramYaml('# nothing yet\n')).toEqual(parseProgram({}))
  })
})

describe('program overrides', () => {
  it('should convert roubles to kopecks and keep what is set', () => {
    const program = parseProgramYaml(
      [
        'shopName: Пекарня',
        'mode: discount',
        'tierWindow: { kind: lifetime }',
        'outlets: [{ id: centre, name: Центр }, { id: mall, name: ТЦ }]',
        'referral: { minPurchase: 500 }',
      ].join('\n'),
    )
    expect(program.shopName).toBe('Пекарня')
    expect(program.mode).toBe('discount')
    expect(program.tierWindow).toEqual({ kind: 'lifetime' })
    expect(program.outlets.map((outlet) => outlet.id)).toEqual(['centre', 'mall'])
    expect(program.referral).toEqual({
      enabled: true,
      inviterBonus: 100,
      inviteeBonus: 100,
      minPurchase: 50_000,
    })
  })
})

describe('program errors', () => {
  const tier = (id: string, threshold: unknown) => ({ id, names: { ru: id, en: id }, threshold })

  it('should report one line per wrong field, with its path', () => {
    const problems = problemsOf(() =>
      parseProgram({
        tiers: [tier('base', 0), tier('silver', -5)],
        welcomBonus: 10,
        timeZone: 'Mars/Base',
        messaging: { quietHours: { start: '25:00' } },
      }),
    )
    expect(problems).toEqual([
      'program.yaml: timeZone: expected an IANA time zone such as Europe/Moscow',
      'program.yaml: tiers[1].threshold: expected a non-negative integer',
      'program.yaml: messaging.quietHours.start: expected a time HH:MM (00:00-23:59)',
      'program.yaml: welcomBonus: unknown setting',
    ])
  })

  it('should refuse thresholds that do not grow and a first tier above zero', () => {
    expect(problemsOf(() => parseProgram({ tiers: [tier('a', 100), tier('b', 100)] }))).toEqual([
      'program.yaml: tiers[0].threshold: expected 0: the first tier is where everyone starts',
      "program.yaml: tiers[1].threshold: expected a positive integer above the previous tier's 100",
    ])
  })

  it('should refuse a holiday audience naming a tier that does not exist', () => {
    const holiday = { id: 'x', names: { ru: 'x', en: 'x' }, date: { month: 1, day: 1 } }
    expect(
      problemsOf(() => parseProgram({ holidays: [{ ...holiday, audience: { tiers: ['platinum'] } }] })),
    ).toEqual([
      'program.yaml: holidays[0].audience.tiers[0]: expected one of the tier ids (bronze, silver, gold)',
    ])
  })

  it('should refuse impossible dates, repeated ids and inconsistent segments', () => {
    const holiday = { id: 'x', names: { ru: 'x', en: 'x' } }
    const problems = problemsOf(() =>
      parseProgram({
        holidays: [
          { ...holiday, date: { month: 2, day: 30 } },
          { ...holiday, date: { month: 5, weekday: 'sunday' } },
        ],
        segments: { lapsedDays: 60, churnedDays: 60 },
      }),
    )
    expect(problems).toEqual([
      'program.yaml: holidays[0].date.day: expected a day that exists in month 2',
      'program.yaml: holidays[1].date: expected both weekday and nth',
      'program.yaml: holidays[1].id: expected a unique id, "x" is repeated',
      'program.yaml: segments.churnedDays: expected more days than lapsedDays',
    ])
  })

  it('should refuse repeated, overlong and free reward ids, and read points as points', () => {
    const names = { ru: 'Чай', en: 'Tea' }
    const problems = problemsOf(() =>
      parseProgram({
        rewards: {
          catalogue: [
            { id: 'tea', names, points: 100 },
            { id: 'tea', names, points: 120 },
            { id: 'a-very-long-reward-identifier', names, points: 0 },
          ],
        },
      }),
    )
    expect(problems).toEqual([
      'program.yaml: rewards.catalogue[2].id: expected an id of at most 24 characters',
      'program.yaml: rewards.catalogue[2].points: expected a positive integer',
      'program.yaml: rewards.catalogue[1].id: expected a unique id, "tea" is repeated',
    ])
    const program = parseProgram({
      rewards: { catalogue: [{ id: 'tea', names, points: 100 }], nearPoints: 0 },
    })
    expect(program.rewards).toEqual({ catalogue: [{ id: 'tea', names, points: 100 }], nearPoints: 0 })
  })

  it('should name the file and position of a YAML syntax error', () => {
    const problems = problemsOf(() => parseProgramYaml('tiers: [\n  - a: b\n', 'my.yaml'))
    expect(problems[0]).toMatch(/^my\.yaml:2:3: /)
  })

  it('should fail loudly when a given file does not exist', () => {
    expect(problemsOf(() => loadProgram('/nonexistent/program.yaml'))[0]).toMatch(
      /^\/nonexistent\/program\.yaml: cannot be read/,
    )
  })
})
