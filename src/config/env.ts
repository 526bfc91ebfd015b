import { z } from 'zod'

/** Treats an unset, empty or blank variable as absent, and trims the rest. */
function blankAsUndefined(value: unknown): unknown {
  if (typeof value !== 'string') return value
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed
}

/** An optional variable: absent when unset or blank, else validated by `schema`. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankAsUndefined, schema.optional())
}

/** Parses a comma-separated list of Telegram user ids ("123, 456") into numbers. */
const telegramIdList = z.string().transform((value, ctx) => {
  const ids: number[] = []
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const id = Number(part)
    if (!Number.isSafeInteger(id) || id <= 0) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not a Telegram user id` })
      return z.NEVER
    }
    ids.push(id)
  }
  return ids
})

/**
 * The process environment the bot reads, validated once at start-up.
 * Every variable is optional: with none set, `npm start` runs the embedded database and the sandbox.
 */
export const envSchema = z
  .object({
    /** Telegram bot token from @BotFather; unset = the local sandbox plays Telegram. */
    BOT_TOKEN: optional(
      z.string().regex(/^\d+:[\w-]{30,}$/, 'expected a token like 123456:ABC-DEF... from @BotFather'),
    ),
    /** MongoDB connection string; unset = the embedded database with its data in DATA_DIR. */
    MONGODB_URI: optional(
      z.string().regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// or mongodb+srv:// URI'),
    ),
    /** Another Bot API server (self-hosted, or a test double); default https://api.telegram.org. */
    TELEGRAM_API_ROOT: optional(z.url()),
    /** Telegram user ids of the owners, comma-separated. */
    OWNER_IDS: z.preprocess((value) => blankAsUndefined(value) ?? '', telegramIdList),
    /** Path to the program rules file (YAML); unset = café defaults. */
    PROGRAM_FILE: optional(z.string()),
    /** Public HTTPS URL Telegram should deliver updates to; unset = long polling. */
    WEBHOOK_URL: optional(z.url()),
    /** Secret Telegram sends back in X-Telegram-Bot-Api-Secret-Token; required with WEBHOOK_URL. */
    WEBHOOK_SECRET: optional(
      z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'expected 16-256 characters of A-Z, a-z, 0-9, _ and -'),
    ),
    /** HTTP port: the sandbox page, or the webhook and health endpoint. */
    PORT: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
    LOG_LEVEL: z.preprocess(
      blankAsUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    /** Where the embedded database keeps its files. */
    DATA_DIR: z.preprocess(blankAsUndefined, z.string().default('./data')),
    /**
     * Seconds any Bot API request may take before it is abandoned and retried (grammY's default is
     * 500 s): a half-open connection or a hung send then stalls the bot for a minute, not for minutes.
     */
    TELEGRAM_TIMEOUT_SECONDS: z.preprocess(
      blankAsUndefined,
      z.coerce.number().int().min(2).max(600).default(60),
    ),
    /** Seconds a long poll (getUpdates) waits for updates; shorter than TELEGRAM_TIMEOUT_SECONDS. */
    TELEGRAM_POLL_SECONDS: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).max(50).default(30)),
  })
  .superRefine((env, ctx) => {
    if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_SECRET'],
        message: 'is required when WEBHOOK_URL is set',
      })
    }
    if (env.TELEGRAM_POLL_SECONDS >= env.TELEGRAM_TIMEOUT_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_POLL_SECONDS'],
        message: `must be shorter than TELEGRAM_TIMEOUT_SECONDS (${env.TELEGRAM_TIMEOUT_SECONDS}), or every quiet long poll would time out`,
      })
    }
    if (env.WEBHOOK_URL && !env.BOT_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_URL'],
        message: 'needs BOT_TOKEN (the sandbox uses polling)',
      })
    }
  })

export type Env = z.infer<typeof envSchema>

/** Thrown when the configuration is invalid; `lines` holds one human-readable line per wrong field. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor(
    readonly lines: string[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid configuration:\n${lines.join('\n')}`, options)
  }
}

/** Validates the environment; throws ConfigError listing every wrong field at once. */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(source)
  if (result.success) return result.data
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
  )
}
