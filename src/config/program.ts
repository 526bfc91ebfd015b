import { existsSync, readFileSync } from 'node:fs'
import { parseDocument } from 'yaml'
import type { z } from 'zod'
import { moneyFromUnits } from '../domain/money.ts'
import { points } from '../domain/points.ts'
import type { Program } from '../domain/program.ts'
import { basisPoints } from '../domain/rates.ts'
import { programFileSchema, type ProgramFile } from './program-schema.ts'

export type { Program } from '../domain/program.ts'

/** The file looked for in the working directory when {@link loadProgram} gets no path. */
export const DEFAULT_PROGRAM_FILE = 'program.yaml'

/**
 * The program file is wrong: `problems` holds one line per wrong field, e.g.
 * `program.yaml: tiers[1].threshold: expected a positive integer`; the message joins them.
 * Thrown at startup, so the process stops before serving anyone with broken rules.
 */
export class ProgramConfigError extends Error {
  override readonly name = 'ProgramConfigError'
  readonly problems: readonly string[]

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(problems.join('\n'), options)
    this.problems = problems
  }
}

/**
 * Reads the program rules once at startup. With a path, that file must exist; without one,
 * `./program.yaml` is used when present, else every default (a Russian café). Returns a deeply
 * frozen {@link Program}; throws {@link ProgramConfigError} listing every wrong field.
 */
export function loadProgram(path?: string): Program {
  const file = path ?? DEFAULT_PROGRAM_FILE
  if (path === undefined && !existsSync(file)) return parseProgram({}, file)
  let source: string
  try {
    source = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ProgramConfigError([`${file}: cannot be read (${(error as Error).message})`], { cause: error })
  }
  return parseProgramYaml(source, file)
}

/** Parses YAML text of a program file; `name` prefixes every problem line. */
export function parseProgramYaml(source: string, name = DEFAULT_PROGRAM_FILE): Program {
  const document = parseDocument(source, { prettyErrors: true })
  if (document.errors.length > 0) {
    throw new ProgramConfigError(
      document.errors.map((error) => {
        const at = error.linePos?.[0]
        return `${name}${at ? `:${at.line}:${at.col}` : ''}: ${(error.message.split(' at line')[0] ?? 'invalid YAML').trim()}`
      }),
    )
  }
  return parseProgram(document.toJS() ?? {}, name)
}

/** Validates an already-parsed program object (e.g. from a test) and converts it to domain units. */
export function parseProgram(raw: unknown, name = DEFAULT_PROGRAM_FILE): Program {
  const result = programFileSchema.safeParse(raw)
  if (!result.success) {
    // One line per field: a field failing its own check is not re-reported by cross-field checks.
    const seen = new Set<string>()
    const problems = result.error.issues
      .flatMap(describe)
      .filter(([field]) => !seen.has(field) && seen.add(field))
    throw new ProgramConfigError(
      problems.map(([field, message]) => `${name}: ${field}${field ? ': ' : ''}${message}`),
    )
  }
  return deepFreeze(toProgram(result.data))
}

/** Converts file units (whole currency units) to domain units (minor units, branded integers). */
function toProgram(file: ProgramFile): Program {
  const { currency } = file
  const units = (value: number) => moneyFromUnits(value, currency)
  return {
    ...file,
    tiers: file.tiers.map((tier) => ({
      ...tier,
      threshold: units(tier.threshold),
      earnRateBp: basisPoints(tier.earnRateBp),
      discountBp: basisPoints(tier.discountBp),
    })),
    points: {
      ...file.points,
      welcomeBonus: points(file.points.welcomeBonus),
      redeemCapBp: basisPoints(file.points.redeemCapBp),
    },
    rewards: {
      ...file.rewards,
      catalogue: file.rewards.catalogue.map((reward) => ({ ...reward, points: points(reward.points) })),
    },
    purchases: { ...file.purchases, maxAmount: units(file.purchases.maxAmount) },
    referral: {
      ...file.referral,
      inviterBonus: points(file.referral.inviterBonus),
      inviteeBonus: points(file.referral.inviteeBonus),
      minPurchase: units(file.referral.minPurchase),
    },
    outlets: file.outlets ?? [{ id: 'main', name: file.shopName }],
    birthday: { ...file.birthday, bonusPoints: points(file.birthday.bonusPoints) },
    holidays: file.holidays.map((holiday) => ({ ...holiday, bonusPoints: points(holiday.bonusPoints) })),
  }
}

/** [field path, message] pairs; an unknown key is reported at its own path. */
function describe(issue: z.core.$ZodIssue): Array<[string, string]> {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => [formatPath([...issue.path, key]), 'unknown setting'])
  }
  return [[formatPath(issue.path), issue.message]]
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('')
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}
