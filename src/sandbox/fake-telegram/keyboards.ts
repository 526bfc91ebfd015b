/**
 * Validation of `reply_markup`: inline keyboards, reply keyboards, keyboard removal and
 * force-reply, with Telegram's error texts. One deliberate extra strictness: a button with
 * several action fields is refused (the documentation says "exactly one"; Telegram itself
 * silently uses the first one it finds).
 */
import { type ApiError, badRequest, errors } from './errors.ts'
import type { InlineButton, InlineKeyboard, ReplyButton, ReplyKeyboard } from './types.ts'

/** A validated reply_markup. */
export type Markup =
  | { kind: 'inline'; markup: InlineKeyboard }
  | { kind: 'keyboard'; markup: ReplyKeyboard }
  | { kind: 'remove'; markup: { remove_keyboard: true; selective?: boolean } }
  | {
      kind: 'force_reply'
      markup: { force_reply: true; input_field_placeholder?: string; selective?: boolean }
    }

const INLINE_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
]
const REPLY_ACTIONS = [
  'request_contact',
  'request_location',
  'request_poll',
  'request_users',
  'request_chat',
  'web_app',
]
const MAX_BUTTONS = 100

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const invalidJson = (): ApiError => badRequest("can't parse reply keyboard markup JSON object")

function checkBooleans(obj: Record<string, unknown>, fields: string[], prefix = ''): void {
  for (const f of fields) {
    if (obj[f] !== undefined && typeof obj[f] !== 'boolean')
      throw badRequest(`${prefix}field "${f}" must be of type Boolean`)
  }
}

function checkUrl(url: unknown, what: string): void {
  const s = String(url)
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s)?.[1]?.toLowerCase()
  if (scheme !== undefined && !['http', 'https', 'tg', 'ton'].includes(scheme)) {
    throw badRequest(`${what} URL '${s}' is invalid: Unsupported URL protocol`)
  }
  const host = scheme ? s.slice(scheme.length + 3) : s
  if (
    !/^([\w-]+\.)*[\w-]+(:\d+)?([/?#]\S*)?$/.test(host) ||
    (scheme !== 'tg' && !/[\w-]+\.[a-z]{2,}|localhost|^\d/i.test(host))
  ) {
    throw badRequest(`${what} URL '${s}' is invalid: Wrong HTTP URL`)
  }
}

function checkWebApp(webApp: unknown, what: string): void {
  const url = isObject(webApp) ? String(webApp.url ?? '') : ''
  if (!/^https:\/\//i.test(url))
    throw badRequest(`${what} Web App URL '${url}' is invalid: Only HTTPS links are allowed`)
}

function inlineButton(raw: unknown): InlineButton {
  const prefix = "can't parse inline keyboard button: "
  if (!isObject(raw)) throw badRequest(`${prefix}InlineKeyboardButton should be an Object`)
  if (raw.text === undefined) throw badRequest(`${prefix}Can't find field "text"`)
  if (typeof raw.text !== 'string') throw badRequest(`${prefix}Field "text" must be of type String`)
  if (raw.text.trim() === '') throw badRequest('BUTTON_TEXT_INVALID')
  const actions = INLINE_ACTIONS.filter((f) => raw[f] !== undefined && raw[f] !== null && raw[f] !== '')
  if (actions.length === 0) throw badRequest(`${prefix}Text buttons are unallowed in the inline keyboard`)
  if (actions.length > 1) {
    throw badRequest(`${prefix}exactly one of the optional fields must be used, found ${actions.join(', ')}`)
  }
  const action = actions[0]
  if (action === 'callback_data') {
    if (typeof raw.callback_data !== 'string')
      throw badRequest(`${prefix}Field "callback_data" must be of type String`)
    if (Buffer.byteLength(raw.callback_data, 'utf8') > 64) throw errors.buttonDataInvalid()
  }
  if (action === 'url') {
    if (typeof raw.url !== 'string') throw badRequest(`${prefix}Field "url" must be of type String`)
    checkUrl(raw.url, 'inline keyboard button')
  }
  if (action === 'web_app') checkWebApp(raw.web_app, 'inline keyboard button')
  if (action === 'pay' || action === 'callback_game') throw badRequest('BUTTON_TYPE_INVALID')
  if (action === 'copy_text') {
    const text = isObject(raw.copy_text) ? raw.copy_text.text : undefined
    if (typeof text !== 'string' || text.length === 0 || text.length > 256)
      throw badRequest('BUTTON_COPY_TEXT_INVALID')
  }
  return { ...raw, text: raw.text } as InlineButton
}

function replyButton(raw: unknown): ReplyButton {
  const prefix = "can't parse keyboard button: "
  if (typeof raw === 'string') {
    if (raw.trim() === '') throw badRequest('BUTTON_TEXT_INVALID')
    return { text: raw }
  }
  if (!isObject(raw)) throw badRequest(`${prefix}KeyboardButton should be a String or an Object`)
  if (raw.text === undefined) throw badRequest(`${prefix}Can't find field "text"`)
  if (typeof raw.text !== 'string') throw badRequest(`${prefix}Field "text" must be of type String`)
  if (raw.text.trim() === '') throw badRequest('BUTTON_TEXT_INVALID')
  checkBooleans(raw, ['request_contact', 'request_location'], prefix)
  const actions = REPLY_ACTIONS.filter((f) => raw[f] !== undefined && raw[f] !== null && raw[f] !== false)
  if (actions.length > 1) {
    throw badRequest(`${prefix}exactly one of the optional fields must be used, found ${actions.join(', ')}`)
  }
  if (raw.web_app !== undefined) checkWebApp(raw.web_app, 'keyboard button')
  for (const field of ['request_users', 'request_chat']) {
    if (raw[field] !== undefined && (!isObject(raw[field]) || raw[field].request_id === undefined)) {
      throw badRequest(`${prefix}Can't find field "request_id"`)
    }
  }
  return { ...raw, text: raw.text } as ReplyButton
}

function rows<T>(value: unknown, field: string, owner: string, parse: (b: unknown) => T): T[][] {
  if (!Array.isArray(value)) throw badRequest(`field "${field}" must be of type Array`)
  let count = 0
  const result = value.map((row: unknown) => {
    if (!Array.isArray(row)) throw badRequest(`field "${field}" of the ${owner} should be an Array of Arrays`)
    count += row.length
    return row.map(parse)
  })
  if (count > MAX_BUTTONS) throw badRequest('reply markup is too long')
  return result
}

/** Validates a reply_markup (object or JSON string); undefined when absent. */
export function parseReplyMarkup(value: unknown): Markup | undefined {
  if (value === undefined || value === null || value === '') return undefined
  let raw: unknown = value
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw) as unknown
    } catch {
      throw invalidJson()
    }
  }
  if (!isObject(raw)) throw badRequest('Object expected as reply markup')
  if (raw.inline_keyboard !== undefined) {
    return {
      kind: 'inline',
      markup: {
        inline_keyboard: rows(raw.inline_keyboard, 'inline_keyboard', 'InlineKeyboardMarkup', inlineButton),
      },
    }
  }
  if (raw.keyboard !== undefined) {
    checkBooleans(raw, ['is_persistent', 'resize_keyboard', 'one_time_keyboard', 'selective'])
    const keyboard = rows(raw.keyboard, 'keyboard', 'ReplyKeyboardMarkup', replyButton)
    const markup: ReplyKeyboard = { ...(raw as Partial<ReplyKeyboard>), keyboard }
    return { kind: 'keyboard', markup }
  }
  if (raw.remove_keyboard !== undefined) {
    checkBooleans(raw, ['remove_keyboard', 'selective'])
    if (raw.remove_keyboard !== true) throw badRequest('field "remove_keyboard" must be of type Boolean')
    return { kind: 'remove', markup: { remove_keyboard: true } }
  }
  if (raw.force_reply !== undefined) {
    checkBooleans(raw, ['force_reply', 'selective'])
    const placeholder =
      typeof raw.input_field_placeholder === 'string' ? raw.input_field_placeholder : undefined
    return {
      kind: 'force_reply',
      markup: { force_reply: true, ...(placeholder ? { input_field_placeholder: placeholder } : {}) },
    }
  }
  throw invalidJson()
}

/** Validates a reply_markup that must be an inline keyboard (edit methods). */
export function parseInlineMarkup(value: unknown): InlineKeyboard | undefined {
  const markup = parseReplyMarkup(value)
  if (markup === undefined) return undefined
  if (markup.kind !== 'inline') throw badRequest('inline keyboard expected')
  return markup.markup
}
