import { parseEnv, type Env } from './env.ts'

/** Everything the process was configured with, validated: the environment plus the program rules. */
export interface AppConfig {
  env: Env
  /** Owners' Telegram user ids (OWNER_IDS). */
  ownerIds: ReadonlySet<number>
}

/** Builds the app configuration from the environment; throws ConfigError listing every wrong field. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const env = parseEnv(source)
  return { env, ownerIds: new Set(env.OWNER_IDS) }
}

export { ConfigError } from './env.ts'
