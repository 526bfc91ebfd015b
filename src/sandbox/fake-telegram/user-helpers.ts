/**
 * Small helpers for the user side: the entities Telegram clients attach to typed text,
 * button labels, and t.me deep links.
 */
import type { ChatState } from './state.ts'
import type { Entity } from './types.ts'

const PATTERNS: [string, RegExp][] = [
  ['bot_command', /(?<=^|\s)\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@])/g],
  ['mention', /(?<=^|\s)@[A-Za-z0-9_]{5,32}(?!\w)/g],
  ['hashtag', /(?<=^|\s)#[\p{L}\p{N}_]+/gu],
  ['url', /\bhttps?:\/\/[^\s<>"]+/g],
]

/** Entities a Telegram client sends with typed text: bot_command, mention, hashtag, url. */
export function detectEntities(text: string): Entity[] {
  const entities: Entity[] = []
  for (const [type, pattern] of PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      entities.push({ type, offset: match.index ?? 0, length: match[0].length })
    }
  }
  return entities.sort((a, b) => a.offset - b.offset)
}

/** Labels of the inline keyboard of the latest bot message that has one. */
export function inlineLabels(chat: ChatState): string[] {
  const message = [...chat.messages].reverse().find((m) => m.fromBot && !m.deleted && m.reply_markup)
  return message?.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? []
}

/** Labels of the reply keyboard currently shown. */
export function replyLabels(chat: ChatState): string[] {
  return chat.replyKeyboard?.markup.keyboard.flat().map((b) => b.text) ?? []
}

/** Payloads Telegram clients pass through in `?start=` (others are dropped). */
const START_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/

/**
 * Parses `https://t.me/<bot>?start=<payload>`, `t.me/<bot>`, `tg://resolve?domain=<bot>&start=`.
 * An invalid payload is dropped, like Telegram clients do (the chat opens with plain /start).
 */
export function parseDeepLink(raw: string): { username: string; start?: string } | null {
  let url: URL
  try {
    url = new URL(/^[a-z]+:/i.test(raw.trim()) ? raw.trim() : `https://${raw.trim()}`)
  } catch {
    return null
  }
  let username: string | undefined
  if (url.protocol === 'tg:') {
    if (url.hostname !== 'resolve' && !url.href.startsWith('tg://resolve')) return null
    username = url.searchParams.get('domain') ?? undefined
  } else if (/^(www\.)?(t\.me|telegram\.me)$/i.test(url.hostname)) {
    username = url.pathname.split('/').filter(Boolean)[0]
  }
  if (!username) return null
  const start = url.searchParams.get('start') ?? undefined
  return start !== undefined && START_PAYLOAD.test(start) ? { username, start } : { username }
}
