import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { startApp, type RunningApp, type UpdateSource } from './app.ts'
import { ConfigError, loadConfig } from './config/index.ts'
import type { EmbeddedDb } from './embedded-mongo/index.ts'
import { createLogger } from './logger.ts'
import type { FakeTelegram } from './sandbox/fake-telegram/index.ts'

/** The sandbox's owner persona; added to OWNER_IDS when none are configured, so every role can be tried. */
export const SANDBOX_OWNER_ID = 100_000_001

/**
 * `npm start`: with BOT_TOKEN, the real bot (MONGODB_URI, or the embedded database when unset);
 * without it, the embedded database, the fake Bot API and the browser sandbox on PORT.
 */
async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const line of error.lines) process.stderr.write(`config: ${line}\n`)
      process.exit(1)
    }
    throw error
  }
  const { env } = config
  const logger = createLogger(env.LOG_LEVEL)

  let embeddedDb: EmbeddedDb | undefined
  let sandbox: FakeTelegram | undefined
  let app: RunningApp | undefined
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down')
    await app?.stop()
    await sandbox?.stop()
    await embeddedDb?.stop()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))

  try {
    let mongoUri = env.MONGODB_URI
    if (!mongoUri) {
      // Loaded only when needed: production with MONGODB_URI and BOT_TOKEN never imports the stand-ins.
      const { startEmbeddedDb } = await import('./embedded-mongo/index.ts')
      embeddedDb = await startEmbeddedDb({ port: 0, dbpath: path.resolve(env.DATA_DIR, 'db') })
      mongoUri = embeddedDb.uri
      logger.info({ uri: mongoUri }, 'embedded database started (set MONGODB_URI to use a real MongoDB)')
    }

    let token = env.BOT_TOKEN
    let apiRoot = env.TELEGRAM_API_ROOT
    let source: UpdateSource = env.WEBHOOK_URL
      ? { kind: 'webhook', url: env.WEBHOOK_URL, secret: env.WEBHOOK_SECRET ?? '' }
      : { kind: 'polling' }
    // The health endpoint (and the webhook) listen on PORT on all interfaces, for Docker's healthcheck.
    let http: { port: number; host: string } | undefined = { port: env.PORT, host: '0.0.0.0' }
    if (!token) {
      const ownerIds = config.ownerIds.size > 0 ? [...config.ownerIds] : [SANDBOX_OWNER_ID]
      config = { ...config, ownerIds: new Set(ownerIds) }
      const { startFakeTelegram } = await import('./sandbox/fake-telegram/index.ts')
      sandbox = await startFakeTelegram({
        port: env.PORT,
        serveSandboxPage: true,
        sandboxConfig: { ownerIds },
      })
      token = `${SANDBOX_OWNER_ID + 1}:${randomBytes(24).toString('base64url')}`
      apiRoot = sandbox.apiRoot
      source = { kind: 'polling' }
      http = undefined // the sandbox page owns PORT
    }

    app = await startApp({
      config,
      logger,
      token,
      mongoUri,
      ...(apiRoot ? { apiRoot } : {}),
      source,
      ...(http ? { http } : {}),
    })
    if (sandbox) {
      process.stdout.write(`\n  Sandbox ready: open ${sandbox.url} in your browser.\n\n`)
    } else {
      logger.info('bot is running')
    }
  } catch (error) {
    logger.fatal({ err: error }, (error as Error).message)
    await app?.stop()
    await sandbox?.stop()
    await embeddedDb?.stop()
    process.exit(1)
  }
}

await main()
