import { autoRetry } from '@grammyjs/auto-retry'
import { conversations } from '@grammyjs/conversations'
import { sequentialize } from '@grammyjs/runner'
import {
  Bot,
  session,
  type Context as BaseContext,
  type NextFunction,
  type StorageAdapter,
  type Transformer,
} from 'grammy'
import type { UserFromGetMe } from 'grammy/types'
import type { i18n } from 'i18next'
import type { Logger } from 'pino'
import type { AppConfig } from '../config/index.ts'
import type { ChatStateStore } from '../db/session-storage.ts'
import type { Services } from '../services.ts'
import type { Context, SessionData } from './context.ts'
import { createChangeBirthdayFeature } from './conversations/change-birthday.ts'
import { createJoinFeature } from './conversations/join.ts'
import { createBalanceFeature } from './features/balance.ts'
import { createCardFeature } from './features/card.ts'
import { chatMemberFeature } from './features/chat-member.ts'
import { createHelpFeature } from './features/help.ts'
import { createStaffPurchaseConversation } from './conversations/staff-purchase.ts'
import { createStaffGiftConversation } from './conversations/staff-gift.ts'
import { createStaffRedeemConversation } from './conversations/staff-redeem.ts'
import { ownerAuditFeature } from './features/owner-audit.ts'
import { ownerStaffFeature } from './features/owner-staff.ts'
import { createNpsFeature } from './features/nps.ts'
import { createOwnerNpsFeature } from './features/owner-nps.ts'
import { createOwnerStatsFeature } from './features/owner-stats.ts'
import { createOwnerSegmentsFeature } from './features/owner-segments.ts'
import { createBroadcastConversation } from './conversations/broadcast.ts'
import { createOwnerBroadcastFeature } from './features/owner-broadcast.ts'
import { createOwnerExportFeature } from './features/owner-export.ts'
import { createOwnerProgramFeature } from './features/owner-program.ts'
import { createStaffDeskFeature } from './features/staff-desk.ts'
import { staffLinksFeature } from './features/staff-links.ts'
import { createStaffRedemptionFeature } from './features/staff-redemption.ts'
import { createHistoryFeature } from './features/history.ts'
import { holidayAskFeature } from './features/holiday-ask.ts'
import { createInviteFeature } from './features/invite.ts'
import { createPrivacyFeature } from './features/privacy.ts'
import { createRewardsFeature } from './features/rewards.ts'
import { createSettingsFeature } from './features/settings.ts'
import { createLanguageFeature } from './features/language.ts'
import { syncDeskMenu } from './features/staff-commands.ts'
import { startFeature } from './features/start.ts'
import { unknownFeature } from './features/unknown.ts'
import { createOutsideBoundaryHandler, handleBotError } from './handlers/error.ts'
import { attachDependencies } from './middlewares/attach-dependencies.ts'
import { i18nMiddleware } from './middlewares/i18n.ts'
import { chatKeyOf, ignoreDuplicates } from './middlewares/ignore-duplicates.ts'
import { resolveRole } from './middlewares/role.ts'
import { pacer, TELEGRAM_PACE, type PaceOptions } from './pace.ts'

export { TELEGRAM_PACE, type PaceOptions } from './pace.ts'

export interface BotDependencies {
  token: string
  apiRoot?: string
  /** Skips the getMe round-trip when already known (tests, webhook instances). */
  botInfo?: UserFromGetMe
  config: AppConfig
  services: Services
  logger: Logger
  i18n: i18n
  /** Sessions, conversations and the duplicate filter of every chat, in one document per chat. */
  chatState: ChatStateStore
  pace?: PaceOptions
}

/** Every message goes out as Telegram HTML unless a caller chose otherwise; i18n escapes the values. */
const htmlByDefault: Transformer = (prev, method, payload, signal) => {
  if (payload && typeof payload === 'object' && !('parse_mode' in payload)) {
    if (
      ['sendMessage', 'editMessageText', 'sendPhoto', 'sendDocument', 'editMessageCaption'].includes(method)
    ) {
      return prev(method, { ...payload, parse_mode: 'HTML' }, signal)
    }
  }
  return prev(method, payload, signal)
}

/** Installs the retry and HTML transformers on a conversation's own Api. */
const withConversationApi = async (ctx: BaseContext, next: NextFunction) => {
  ctx.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 120 }))
  ctx.api.config.use(htmlByDefault)
  await next()
}

/**
 * Builds the bot: outgoing calls paced and retried (429 retry_after honoured), then the middleware chain
 * (dependencies, duplicate filter, session, language, role, conversations) and the features inside an
 * error boundary with the catch-all feature last.
 */
export function createBot(deps: BotDependencies): Bot<Context> {
  const bot = new Bot<Context>(deps.token, {
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
    client: {
      ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}),
      // A hung request (half-open connection) fails after this and is retried, instead of after 500 s.
      timeoutSeconds: deps.config.env.TELEGRAM_TIMEOUT_SECONDS,
    },
  })
  bot.api.config.use(pacer(deps.pace ?? TELEGRAM_PACE))
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 120 }))
  bot.api.config.use(htmlByDefault)

  // Updates of one chat are handled in order (runner and concurrent webhook requests alike).
  bot.use(sequentialize(chatKeyOf))
  bot.use(attachDependencies(deps))
  bot.use(ignoreDuplicates(deps.chatState))
  bot.use(
    session({
      initial: (): SessionData => ({}),
      getSessionKey: chatKeyOf,
      storage: deps.chatState.sessions as StorageAdapter<SessionData>,
    }),
  )
  bot.use(i18nMiddleware(deps.i18n))
  bot.use(resolveRole)
  bot.use(syncDeskMenu)
  bot.use(
    conversations({
      storage: {
        type: 'key',
        version: 1,
        adapter: deps.chatState.conversations as never,
        getStorageKey: chatKeyOf,
      },
      // A conversation talks through an Api of its own, without the bot's transformers: give it the
      // retry (429 retry_after, 5xx) and the HTML default. Not the pacer: replayed calls would be
      // paced again on every step of the conversation, though they never reach Telegram.
      plugins: [withConversationApi],
    }),
  )

  const features = bot.errorBoundary(handleBotError)
  // The desk first: its deep links (`/start c-...`, `/start s-...`) must win over the customer's /start.
  features.use(chatMemberFeature)
  features.use(staffLinksFeature)
  features.use(createStaffPurchaseConversation(deps.i18n))
  features.use(createStaffRedeemConversation(deps.i18n))
  features.use(createStaffGiftConversation(deps.i18n))
  // Before the desk too: an owner is at the desk, and a broadcast's photo is not a card to scan.
  features.use(createBroadcastConversation(deps.i18n))
  features.use(createStaffDeskFeature(deps.i18n))
  features.use(createStaffRedemptionFeature(deps.i18n))
  features.use(createNpsFeature(deps.i18n))
  features.use(createOwnerNpsFeature())
  features.use(createOwnerStatsFeature())
  features.use(createOwnerSegmentsFeature())
  features.use(createOwnerBroadcastFeature())
  features.use(createOwnerExportFeature())
  features.use(createOwnerProgramFeature())
  features.use(ownerStaffFeature)
  features.use(ownerAuditFeature)
  features.use(createJoinFeature(deps))
  features.use(createChangeBirthdayFeature(deps))
  features.use(startFeature)
  features.use(createBalanceFeature(deps.i18n))
  features.use(createCardFeature(deps.i18n))
  features.use(createHistoryFeature(deps.i18n))
  features.use(createRewardsFeature(deps.i18n))
  features.use(createInviteFeature(deps.i18n))
  features.use(createSettingsFeature(deps.i18n))
  features.use(holidayAskFeature)
  features.use(createPrivacyFeature())
  features.use(createHelpFeature(deps.i18n))
  features.use(createLanguageFeature(deps.i18n))
  features.use(unknownFeature)

  bot.catch(createOutsideBoundaryHandler(deps))
  return bot
}
