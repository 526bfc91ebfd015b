/**
 * The table of implemented Bot API methods. Telegram matches method names case-insensitively,
 * so the table is keyed by lower-case name.
 */
import {
  acknowledge,
  answerCallbackQuery,
  botTexts,
  deleteMyCommands,
  getChat,
  getChatMenuButton,
  getFile,
  getMe,
  getMyCommands,
  setChatMenuButton,
  setMyCommands,
} from './bot-settings.ts'
import type { MethodHandler } from './context.ts'
import {
  deleteMessage,
  deleteMessages,
  editMessageCaption,
  editMessageReplyMarkup,
  editMessageText,
} from './edit.ts'
import { copyMessage, sendChatAction, sendDocument, sendMediaGroup, sendMessage, sendPhoto } from './send.ts'
import { deleteWebhook, getUpdates, getWebhookInfo, setWebhook } from './updates.ts'

export type { MethodContext, MethodHandler } from './context.ts'

const table: Record<string, MethodHandler> = {
  getMe,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  sendMessage,
  sendPhoto,
  sendDocument,
  sendMediaGroup,
  copyMessage,
  sendChatAction,
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
  deleteMessages,
  answerCallbackQuery,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  setChatMenuButton,
  getChatMenuButton,
  setMyDescription: botTexts.description.set,
  getMyDescription: botTexts.description.get,
  setMyShortDescription: botTexts.shortDescription.set,
  getMyShortDescription: botTexts.shortDescription.get,
  setMyName: botTexts.name.set,
  getMyName: botTexts.name.get,
  getChat,
  getFile,
  logOut: acknowledge,
  close: acknowledge,
}

/** Implemented methods by lower-case name. */
export const METHODS: ReadonlyMap<string, MethodHandler> = new Map(
  Object.entries(table).map(([name, handler]) => [name.toLowerCase(), handler]),
)
