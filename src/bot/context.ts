import type { ConversationFlavor } from '@grammyjs/conversations'
import type { Context as BaseContext, SessionFlavor } from 'grammy'
import type { Logger } from 'pino'
import type { TFunction } from 'i18next'
import type { AppConfig } from '../config/index.ts'
import type { Services } from '../services.ts'
import type { DeskActor } from '../services/staff-desk.ts'
import type { Language } from './i18n/index.ts'

/** Per-chat state kept in MongoDB between updates. */
export interface SessionData {
  /** The language the user picked with /language; unset = follow Telegram's language_code. */
  language?: Language
  /** The desk menu last put in this chat's command menu (role, language, commands); unset = none. */
  deskMenu?: string
}

/** Who is talking to the bot; decided on every update, never cached across updates. */
export type Role = 'owner' | 'staff' | 'customer'

/** What the first middlewares put on every context, so features stay thin. */
export interface AppContextFlavor {
  config: AppConfig
  services: Services
  /** Child logger carrying the update id; never log personal data through it. */
  logger: Logger
  lang: Language
  /** i18next bound to `lang`: `ctx.t('help.text', { name })`. */
  t: TFunction
  role: Role
  /** Staff or owner serving at an outlet; null for customers. Set with `role` on every update. */
  desk: DeskActor | null
}

/** The context every feature handler receives. */
export type Context = ConversationFlavor<BaseContext & SessionFlavor<SessionData> & AppContextFlavor>

/** The context inside a conversation: same dependencies, no conversation controls. */
export type ConversationContext = BaseContext & AppContextFlavor
