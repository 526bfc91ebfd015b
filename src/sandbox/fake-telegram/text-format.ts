/**
 * Turns a method's text/caption + parse_mode/entities into what Telegram stores: plain text,
 * entities, leading/trailing whitespace trimmed, and the length limits enforced (lengths are
 * counted in UTF-16 code units after entity parsing, like Telegram).
 */
import { badRequest, errors } from './errors.ts'
import { parseHtml, sortEntities } from './html-parse.ts'
import { parseMarkdownLegacy, parseMarkdownV2 } from './markdown-parse.ts'
import type { Entity, FormattedText } from './types.ts'

/** Telegram's maximum message text length. */
export const MAX_TEXT_LENGTH = 4096
/** Telegram's maximum caption length. */
export const MAX_CAPTION_LENGTH = 1024

const ENTITY_TYPES = new Set([
  'mention',
  'hashtag',
  'cashtag',
  'bot_command',
  'url',
  'email',
  'phone_number',
  'bold',
  'italic',
  'underline',
  'strikethrough',
  'spoiler',
  'blockquote',
  'expandable_blockquote',
  'code',
  'pre',
  'text_link',
  'text_mention',
  'custom_emoji',
])

function validateEntities(raw: unknown, textLength: number): Entity[] {
  if (!Array.isArray(raw)) throw badRequest('field "entities" must be of type Array')
  return raw.map((item: unknown) => {
    if (!item || typeof item !== 'object') throw badRequest("can't parse MessageEntity: Object expected")
    const e = item as Record<string, unknown>
    if (typeof e.type !== 'string' || !ENTITY_TYPES.has(e.type)) {
      throw badRequest("can't parse MessageEntity: Unsupported type specified")
    }
    const offset = Number(e.offset)
    const length = Number(e.length)
    if (!Number.isInteger(offset) || offset < 0)
      throw badRequest(`receive an entity with incorrect offset ${e.offset}`)
    if (!Number.isInteger(length) || length <= 0)
      throw badRequest(`receive an entity with incorrect length ${e.length}`)
    if (offset >= textLength)
      throw badRequest(`entity begins after the end of the text at UTF-16 offset ${offset}`)
    if (offset + length > textLength) {
      throw badRequest(
        `entity beginning at UTF-16 offset ${offset} ends after the end of the text at UTF-16 offset ${offset + length}`,
      )
    }
    const entity: Entity = { type: e.type, offset, length }
    if (e.type === 'text_link') {
      if (e.url === undefined) throw badRequest('can\'t parse MessageEntity: Can\'t find field "url"')
      const url = String(e.url)
      if (!url) throw badRequest("entity URL '' is invalid: URL host is empty")
      if (!/^(https?|tg|ton):\/\/\S+$/i.test(url) && !/^[\w-]+(\.[\w-]+)*\.[a-z]{2,}(\/\S*)?$/i.test(url)) {
        throw badRequest(`entity URL '${url}' is invalid: Wrong HTTP URL`)
      }
      entity.url = url
    }
    if (e.type === 'text_mention') {
      if (!e.user) throw badRequest('can\'t parse MessageEntity: Can\'t find field "user"')
      entity.user = e.user as Entity['user']
    }
    if (e.type === 'custom_emoji') {
      if (e.custom_emoji_id === undefined) {
        throw badRequest('can\'t parse MessageEntity: Can\'t find field "custom_emoji_id"')
      }
      entity.custom_emoji_id = String(e.custom_emoji_id)
    }
    if (e.type === 'pre' && typeof e.language === 'string' && e.language) entity.language = e.language
    return entity
  })
}

/** Removes surrounding whitespace like Telegram and shifts entities accordingly. */
function trim(formatted: FormattedText): FormattedText {
  const { text } = formatted
  const start = text.length - text.trimStart().length
  const end = text.trimEnd().length
  if (start === 0 && end === text.length) return formatted
  const trimmed = text.slice(start, Math.max(start, end))
  const entities = (formatted.entities ?? [])
    .map((e) => {
      const from = Math.max(e.offset - start, 0)
      const to = Math.min(e.offset + e.length - start, trimmed.length)
      return { ...e, offset: from, length: to - from }
    })
    .filter((e) => e.length > 0)
  return entities.length > 0 ? { text: trimmed, entities } : { text: trimmed }
}

/** Applies parse_mode (HTML, MarkdownV2, Markdown; case-insensitive) or explicit entities. */
export function applyParseMode(raw: string, parseMode: string | undefined, entities: unknown): FormattedText {
  if (entities !== undefined && entities !== null && !(Array.isArray(entities) && entities.length === 0)) {
    const list = validateEntities(entities, raw.length)
    return list.length > 0 ? { text: raw, entities: sortEntities(list) } : { text: raw }
  }
  switch ((parseMode ?? '').toLowerCase()) {
    case '':
      return { text: raw }
    case 'html':
      return parseHtml(raw)
    case 'markdownv2':
      return parseMarkdownV2(raw)
    case 'markdown':
      return parseMarkdownLegacy(raw)
    default:
      throw errors.unsupportedParseMode()
  }
}

/** Formats and validates a message text: empty, whitespace-only and over-long texts fail. */
export function formatMessageText(
  raw: string | undefined,
  parseMode?: string,
  entities?: unknown,
): FormattedText {
  if (raw === undefined || raw === '') throw errors.textEmpty()
  const formatted = trim(applyParseMode(raw, parseMode, entities))
  if (formatted.text === '') throw errors.textMustBeNonEmpty()
  if (formatted.text.length > MAX_TEXT_LENGTH) throw errors.textTooLong()
  return formatted
}

/** Formats and validates an optional caption; an empty caption means "no caption". */
export function formatCaption(
  raw: string | undefined,
  parseMode?: string,
  entities?: unknown,
): FormattedText | null {
  if (raw === undefined || raw === '') return null
  const formatted = trim(applyParseMode(raw, parseMode, entities))
  if (formatted.text.length > MAX_CAPTION_LENGTH) throw errors.captionTooLong()
  return formatted.text === '' ? null : formatted
}
