import type { Program } from '../domain/program.ts'
import { ConfigError, parseEnv, type Env } from './env.ts'
import { loadProgram, ProgramConfigError } from './program.ts'

/** Everything the process was configured with, validated: the environment plus the program rules. */
export interface AppConfig {
  env: Env
  /** Owners' Telegram user ids (OWNER_IDS). */
  ownerIds: ReadonlySet<number>
  /** The program rules from PROGRAM_FILE (or ./program.yaml, or café defaults). */
  program: Program
}

/**
 * Builds the app configuration from the environment and the program file; throws ConfigError listing
 * every wrong field of both, so start-up stops before anything half-starts.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, program?: Program): AppConfig {
  const env = parseEnv(source)
  try {
    return { env, ownerIds: new Set(env.OWNER_IDS), program: program ?? loadProgram(env.PROGRAM_FILE) }
  } catch (error) {
    if (error instanceof ProgramConfigError) throw new ConfigError([...error.problems], { cause: error })
    throw error
  }
}

export { ConfigError } from './env.ts'
