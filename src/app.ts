import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { run, type RunnerHandle } from '@grammyjs/runner'
import type { Agenda } from 'agenda'
import { webhookCallback, type Bot } from 'grammy'
import type { i18n } from 'i18next'
import type { Connection } from 'mongoose'
import type { Logger } from 'pino'
import { registerCommands } from './bot/commands.ts'
import type { Context } from './bot/context.ts'
import { createBot, type PaceOptions } from './bot/create-bot.ts'
import { createI18n } from './bot/i18n/index.ts'
import type { AppConfig } from './config/index.ts'
import { connectDatabase } from './db/connection.ts'
import { createProcessedUpdates } from './db/processed-updates.ts'
import { createRepositories } from './db/repositories.ts'
import { createChatStateStore } from './db/session-storage.ts'
import type { Clock } from './domain/clock.ts'
import { createLedgerService } from './domain/ledger/ledger-service.ts'
import { defineExpireRedemptionsJob, scheduleExpireRedemptions } from './jobs/expire-redemptions.ts'
import { createScheduler, releaseJobLocks, type SchedulerOptions } from './jobs/scheduler.ts'
import { createMembershipService } from './services/membership.ts'
import { createStaffDesk } from './services/staff-desk.ts'
import { createStaffRepositories } from './db/staff-repositories.ts'
import { createFeedbackRepository } from './db/feedback.ts'
import { createSurveyRepository } from './db/surveys.ts'
import { createSurveyClosingScheduler, defineNpsCloseSurveyJob } from './jobs/nps-survey.ts'
import { createNpsFeedbackService } from './services/nps.ts'
import { holidayAskButtons } from './bot/features/holiday-ask.ts'
import { scoreButtonRows } from './bot/features/nps-views.ts'
import { createGreetingsRepository } from './db/greetings.ts'
import { createOutboxRepository } from './db/outbox.ts'
import {
  defineBirthdayJob,
  defineHolidaysJob,
  defineRemindersJob,
  scheduleGreetings,
} from './jobs/greetings.ts'
import { defineOutboxDispatchJob, scheduleOutboxDispatch } from './jobs/outbox-dispatch.ts'
import { definePointsExpiryJob, schedulePointsExpiry } from './jobs/points-expiry.ts'
import { defineTierReviewJob, scheduleTierReview } from './jobs/tier-review.ts'
import { createGreetingsService } from './services/greetings.ts'
import { createLateSender, createOutboxService } from './services/outbox.ts'
import { createRemindersService } from './services/reminders.ts'
import { createTierReviewService } from './services/tier-review.ts'
import { createDailyTotals } from './db/daily-totals.ts'
import { createReportQueries } from './db/reports.ts'
import { guardClosedDays } from './services/report-days.ts'
import { createReportService } from './services/reports.ts'
import { createDigestDeliveries } from './db/reports-deliveries.ts'
import { defineOwnerDigestJob, scheduleOwnerDigest } from './jobs/owner-digest.ts'
import { createBroadcastRepository } from './db/broadcasts.ts'
import { createBroadcastRunScheduler, defineOwnerBroadcastJob } from './jobs/owner-broadcast.ts'
import { createBroadcastService } from './services/broadcast.ts'
import { createExportQueries } from './db/reports-export.ts'
import { createExportService } from './services/reports-export.ts'
import type { Services } from './services.ts'

/** How the bot receives updates. */
export type UpdateSource =
  | { kind: 'polling' }
  /** Telegram POSTs updates to `url` (default: this app's own `/telegram`); `secret` is checked. */
  | { kind: 'webhook'; url?: string; secret: string }

export interface AppOptions {
  config: AppConfig
  logger: Logger
  token: string
  mongoUri: string
  /** Database name; defaults to the one in the URI. Tests give each test its own. */
  dbName?: string
  apiRoot?: string
  source: UpdateSource
  /** The app's HTTP endpoint (`GET /healthz`, and `POST /telegram` in webhook mode); port 0 = any. */
  http?: { port: number; host?: string }
  pace?: PaceOptions
  scheduler?: SchedulerOptions
  /** Where "now" comes from; the system clock unless a test injects one. */
  clock?: Clock
}

/** A started app; `stop()` shuts it down gracefully. */
export interface RunningApp {
  bot: Bot<Context>
  connection: Connection
  scheduler: Agenda
  services: Services
  i18n: i18n
  /** Where the app's HTTP endpoint listens, e.g. `http://127.0.0.1:3000`. */
  httpUrl?: string
  stop(): Promise<void>
}

/**
 * Composition root shared by `npm start`, production and the tests:
 * database -> services -> bot -> jobs -> updates. Essential steps (database, getMe) fail loudly;
 * non-essential ones (command menu) are logged and skipped.
 */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { config, logger } = options
  const connection = await connectDatabase(options.mongoUri, options.dbName).catch((error: unknown) => {
    throw new Error(`cannot reach the database: ${(error as Error).message}`, { cause: error })
  })
  const cleanups: (() => Promise<unknown>)[] = [() => connection.close()]
  // Graceful and idempotent: updates stop first, then jobs, then the database (cleanups run in reverse).
  let stopping: Promise<void> | undefined
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const cleanup of cleanups.reverse())
        await cleanup().catch((error: unknown) => logger.warn({ err: error }, 'shutdown step failed'))
    })())
  try {
    const i18n = createI18n()
    const clock: Clock = options.clock ?? { now: () => new Date() }
    const totals = createDailyTotals(connection)
    const stored = await createRepositories(connection)
    // Late writes into a past day (an old purchase voided, a retried earn) drop that day's cached report totals.
    const guarded = guardClosedDays(
      { ledger: stored.ledgerEntries, purchases: stored.purchases },
      { totals, clock, timeZone: config.program.timeZone },
    )
    const repositories = { ...stored, ledgerEntries: guarded.ledger, purchases: guarded.purchases }
    const staffRepositories = await createStaffRepositories(connection)
    const ledger = createLedgerService({
      ledger: repositories.ledgerEntries,
      customers: repositories.customers,
      purchases: repositories.purchases,
      clock,
      program: config.program,
    })
    // Made before the services: the NPS service schedules closing jobs; it starts once the bot is ready.
    const scheduler = createScheduler(connection, options.scheduler)
    const surveys = await createSurveyRepository(connection)
    const feedback = await createFeedbackRepository(connection)
    // Greetings, reminders and NPS surveys all leave through the outbox; it sends with the bot's api once that exists.
    const sender = createLateSender()
    const reports = createReportService({
      queries: await createReportQueries(connection),
      totals,
      clock,
      program: config.program,
    })
    const outbox = createOutboxService({
      outbox: await createOutboxRepository(connection),
      customers: repositories.customers,
      clock,
      program: config.program,
      i18n,
      sender,
      logger,
    })
    const nps = createNpsFeedbackService({
      surveys,
      feedback,
      customers: repositories.customers,
      staff: staffRepositories.staff,
      clock,
      program: config.program,
      ownerIds: config.ownerIds,
      scheduleClosing: createSurveyClosingScheduler(scheduler, clock),
      outbox,
      scoreButtons: scoreButtonRows,
      logger,
    })
    const greetingsRepository = await createGreetingsRepository(connection)
    const messagingDeps = {
      greetings: greetingsRepository,
      customers: repositories.customers,
      ledger,
      ledgerEntries: repositories.ledgerEntries,
      outbox,
      clock,
      program: config.program,
    }
    const services: Services = {
      processedUpdates: createProcessedUpdates(connection),
      clock,
      ...repositories,
      ledger,
      membership: createMembershipService({
        ...repositories,
        ledger,
        clock,
        program: config.program,
        personalData: [surveys, feedback],
      }),
      staffDesk: createStaffDesk({
        ...repositories,
        ...staffRepositories,
        ledger,
        clock,
        program: config.program,
        nps,
      }),
      nps,
      outbox,
      greetings: createGreetingsService({ ...messagingDeps, holidayAskButtons }),
      reminders: createRemindersService(messagingDeps),
      tierReview: createTierReviewService({
        customers: repositories.customers,
        purchases: repositories.purchases,
        outbox,
        clock,
        program: config.program,
      }),
      reports,
      broadcast: createBroadcastService({
        broadcasts: await createBroadcastRepository(connection),
        reports,
        outbox,
        clock,
        scheduleRun: createBroadcastRunScheduler(scheduler),
      }),
      exports: createExportService({
        queries: createExportQueries(connection),
        currency: config.program.currency,
      }),
    }
    const bot = createBot({
      token: options.token,
      ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
      ...(options.pace ? { pace: options.pace } : {}),
      config,
      services,
      logger,
      i18n,
      chatState: await createChatStateStore(connection),
    })
    await bot.init().catch((error: unknown) => {
      throw new Error(`Telegram did not accept the bot token (getMe failed): ${(error as Error).message}`, {
        cause: error,
      })
    })
    logger.info({ username: bot.botInfo.username }, 'bot identified')
    await registerCommands(bot.api, i18n, logger)
    // Owners' and staff's own menus are set on their first update (syncDeskMenu): Telegram knows a chat only then.
    sender.bind(bot.api)

    defineExpireRedemptionsJob(scheduler, { api: bot.api, i18n, program: config.program, services, logger })
    defineNpsCloseSurveyJob(scheduler, {
      api: bot.api,
      i18n,
      program: config.program,
      services,
      ownerIds: config.ownerIds,
      logger,
      clock,
    })
    defineOwnerBroadcastJob(scheduler, { api: bot.api, i18n, broadcast: services.broadcast, logger })
    defineOwnerDigestJob(scheduler, {
      api: bot.api,
      i18n,
      program: config.program,
      services,
      ownerIds: config.ownerIds,
      deliveries: await createDigestDeliveries(connection),
      clock,
      logger,
    })
    defineOutboxDispatchJob(scheduler, { outbox })
    defineBirthdayJob(scheduler, services)
    defineHolidaysJob(scheduler, services)
    defineRemindersJob(scheduler, services)
    definePointsExpiryJob(scheduler, { ledger })
    defineTierReviewJob(scheduler, services)
    if (options.source.kind === 'polling') {
      // Long polling admits one instance: a job still locked or a message still mid-send was left
      // by a process that died (SIGKILL, power loss). Resume the jobs now rather than in 10 minutes;
      // the messages are given up, never sent twice (see the outbox).
      await releaseJobLocks(connection)
      await outbox.abandonUnconfirmed(clock.now())
    }
    await scheduler.start()
    await scheduleExpireRedemptions(scheduler)
    await scheduleOwnerDigest(scheduler, config.program.messaging.digestHour, config.program.timeZone)
    await scheduleOutboxDispatch(scheduler)
    await scheduleGreetings(scheduler)
    await schedulePointsExpiry(scheduler)
    await scheduleTierReview(scheduler)
    cleanups.push(async () => {
      // Running jobs finish (the outbox stops taking new messages first); unlocking them mid-run
      // would leave a message between its send and its mark. One still running after 10 s keeps
      // its lock, which the next start of a polling instance releases.
      outbox.stop()
      const drained = await scheduler.drain({ timeout: 10_000, closeConnection: false })
      if (drained.timedOut) logger.warn({ running: drained.running }, 'jobs still running at shutdown')
    })

    let httpUrl: string | undefined
    if (options.http) {
      const server = await listenHttp(bot, connection, options.source, options.http)
      const { port } = server.address() as AddressInfo
      httpUrl = `http://${options.http.host ?? '127.0.0.1'}:${port}`
      cleanups.push(() => closeServer(server))
    }
    const allowedUpdates = ['message', 'callback_query', 'my_chat_member'] as const
    if (options.source.kind === 'polling') {
      await bot.api.deleteWebhook()
      // The long poll ends well before the request timeout, so only a dead connection times out.
      const fetch = { allowed_updates: allowedUpdates, timeout: config.env.TELEGRAM_POLL_SECONDS }
      const runner: RunnerHandle = run(bot, { runner: { fetch } })
      cleanups.push(() => (runner.isRunning() ? runner.stop() : Promise.resolve()))
    } else {
      const url = options.source.url ?? (httpUrl ? `${httpUrl}/telegram` : undefined)
      if (!url) throw new Error('webhook mode needs WEBHOOK_URL or an HTTP port')
      await bot.api.setWebhook(url, { secret_token: options.source.secret, allowed_updates: allowedUpdates })
    }
    return {
      bot,
      connection,
      scheduler,
      services,
      i18n,
      ...(httpUrl ? { httpUrl } : {}),
      stop: stopAll,
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}

/** Serves `GET /healthz` (database reachable) and, for webhooks, `POST /telegram` (secret checked by grammY). */
async function listenHttp(
  bot: Bot<Context>,
  connection: Connection,
  source: UpdateSource,
  http: { port: number; host?: string },
): Promise<Server> {
  const handleUpdate =
    source.kind === 'webhook'
      ? webhookCallback(bot, 'http', {
          secretToken: source.secret,
          onTimeout: 'return',
          timeoutMilliseconds: 55_000,
        })
      : undefined
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      const healthy = connection.readyState === 1
      res
        .writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' })
        .end(healthy ? 'ok' : 'database unavailable')
    } else if (handleUpdate && req.method === 'POST' && req.url === '/telegram') {
      handleUpdate(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end()
      })
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve, reject) =>
    server.once('error', reject).listen(http.port, http.host ?? '127.0.0.1', resolve),
  )
  return server
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeIdleConnections()
  })
}
