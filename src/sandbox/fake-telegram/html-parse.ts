/**
 * Telegram's `parse_mode: HTML`, with the error texts the Bot API answers. Supported tags:
 * b strong i em u ins s strike del span(class=tg-spoiler) tg-spoiler a(href) code pre
 * blockquote(expandable) tg-emoji(emoji-id). Only &lt; &gt; &amp; &quot; and numeric character
 * references are decoded; like Telegram, any other `&` is kept literally.
 */
import { cantParseEntities } from './errors.ts'
import type { Entity, FormattedText } from './types.ts'

const TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'span',
  'pre',
  'code',
  'blockquote',
])

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' }

interface OpenTag {
  tag: string
  argument: string
  offset: number
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c)

/** Decodes a character reference at `i` (which holds '&'); null when it is not one. */
function decodeReference(src: string, i: number): { text: string; next: number } | null {
  const semicolon = src.indexOf(';', i + 1)
  if (semicolon === -1 || semicolon - i > 12) return null
  const body = src.slice(i + 1, semicolon)
  if (NAMED[body] !== undefined) return { text: NAMED[body], next: semicolon + 1 }
  const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body)
  if (!numeric) return null
  const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2] ?? '', 10)
  if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
    return null
  return { text: String.fromCodePoint(code), next: semicolon + 1 }
}

function entityFor(open: OpenTag, length: number): Entity | null {
  const base = { offset: open.offset, length }
  switch (open.tag) {
    case 'b':
    case 'strong':
      return { type: 'bold', ...base }
    case 'i':
    case 'em':
      return { type: 'italic', ...base }
    case 'u':
    case 'ins':
      return { type: 'underline', ...base }
    case 's':
    case 'strike':
    case 'del':
      return { type: 'strikethrough', ...base }
    case 'tg-spoiler':
    case 'span':
      return { type: 'spoiler', ...base }
    case 'code':
      return open.argument ? { type: 'code', ...base, language: open.argument } : { type: 'code', ...base }
    case 'pre':
      return { type: 'pre', ...base }
    case 'blockquote':
      return { type: open.argument ? 'expandable_blockquote' : 'blockquote', ...base }
    case 'tg-emoji':
      if (!/^\d{1,19}$/.test(open.argument) || BigInt(open.argument) > 9223372036854775807n) {
        throw cantParseEntities('Invalid custom emoji identifier specified')
      }
      return { type: 'custom_emoji', ...base, custom_emoji_id: open.argument }
    case 'a': {
      const url = normalizeLinkUrl(open.argument)
      return url ? { type: 'text_link', ...base, url } : null
    }
    default:
      return null
  }
}

/** Telegram silently drops links it cannot use; returns the normalised URL or null. */
export function normalizeLinkUrl(raw: string): string | null {
  const url = raw.trim()
  if (!url) return null
  if (/^(https?|tg|ton):\/\//i.test(url)) return url
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return null
  return /^[\w-]+(\.[\w-]+)*\.[a-z]{2,}(?::\d+)?(\/.*)?$/i.test(url) ? `http://${url}` : null
}

/** Parses Telegram HTML into plain text plus entities (offsets in UTF-16 code units). */
export function parseHtml(src: string): FormattedText {
  const byteOffset = (index: number): number => Buffer.byteLength(src.slice(0, index), 'utf8')
  const n = src.length
  const entities: Entity[] = []
  const stack: OpenTag[] = []
  let text = ''
  let i = 0
  while (i < n) {
    const c = src[i]
    if (c === '&') {
      const ref = decodeReference(src, i)
      if (ref) {
        text += ref.text
        i = ref.next
        continue
      }
    }
    if (c !== '<') {
      text += c
      i++
      continue
    }
    const begin = i
    i++
    if (src[i] !== '/') {
      const nameStart = i
      while (i < n && !isSpace(src[i]) && src[i] !== '>') i++
      if (i >= n) throw cantParseEntities(`Unclosed start tag at byte offset ${byteOffset(begin)}`)
      const tag = src.slice(nameStart, i).toLowerCase()
      if (!TAGS.has(tag))
        throw cantParseEntities(`Unsupported start tag "${tag}" at byte offset ${byteOffset(begin)}`)
      let argument = ''
      while (src[i] !== '>') {
        while (i < n && isSpace(src[i])) i++
        if (i >= n) throw cantParseEntities(`Unclosed start tag "${tag}" at byte offset ${byteOffset(begin)}`)
        if (src[i] === '>') break
        const attrStart = i
        while (i < n && !isSpace(src[i]) && !'=>/"\''.includes(src[i] ?? '')) i++
        const attr = src.slice(attrStart, i).toLowerCase()
        if (!attr) {
          throw cantParseEntities(
            `Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(begin)}`,
          )
        }
        while (i < n && isSpace(src[i])) i++
        if (src[i] !== '=') {
          if (i >= n)
            throw cantParseEntities(`Unclosed start tag "${tag}" at byte offset ${byteOffset(begin)}`)
          if (tag === 'blockquote' && attr === 'expandable') argument = 'expandable'
          continue
        }
        i++
        while (i < n && isSpace(src[i])) i++
        if (i >= n) throw cantParseEntities(`Unclosed start tag "${tag}" at byte offset ${byteOffset(begin)}`)
        let value = ''
        const quote = src[i]
        if (quote === '"' || quote === "'") {
          i++
          while (i < n && src[i] !== quote) {
            const ref = src[i] === '&' ? decodeReference(src, i) : null
            if (ref) {
              value += ref.text
              i = ref.next
            } else {
              value += src[i]
              i++
            }
          }
          if (i >= n) throw cantParseEntities(`Unclosed start tag at byte offset ${byteOffset(begin)}`)
          i++
        } else {
          const tokenStart = i
          while (i < n && /[A-Za-z0-9.-]/.test(src[i] ?? '')) i++
          value = src.slice(tokenStart, i).toLowerCase()
          if (i >= n)
            throw cantParseEntities(`Unclosed start tag "${tag}" at byte offset ${byteOffset(begin)}`)
          if (!isSpace(src[i]) && src[i] !== '>') {
            throw cantParseEntities(`Unexpected end of name token at byte offset ${byteOffset(i)}`)
          }
        }
        if (tag === 'a' && attr === 'href') argument = value
        else if (tag === 'code' && attr === 'class' && value.startsWith('language-'))
          argument = value.slice(9)
        else if (tag === 'span' && attr === 'class' && value === 'tg-spoiler') argument = 'spoiler'
        else if (tag === 'tg-emoji' && attr === 'emoji-id') argument = value
        else if (tag === 'blockquote' && attr === 'expandable') argument = 'expandable'
      }
      if (tag === 'span' && argument !== 'spoiler') {
        throw cantParseEntities(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(begin)}`)
      }
      i++
      stack.push({ tag, argument, offset: text.length })
      continue
    }
    const top = stack[stack.length - 1]
    if (!top) throw cantParseEntities(`Unexpected end tag at byte offset ${byteOffset(begin)}`)
    i++
    const nameStart = i
    while (i < n && !isSpace(src[i]) && src[i] !== '>') i++
    const endTag = src.slice(nameStart, i).toLowerCase()
    while (i < n && isSpace(src[i])) i++
    if (src[i] !== '>') throw cantParseEntities(`Unclosed end tag at byte offset ${byteOffset(begin)}`)
    if (endTag && endTag !== top.tag) {
      throw cantParseEntities(
        `Unmatched end tag at byte offset ${byteOffset(begin)}, expected "</${top.tag}>", found "</${endTag}>"`,
      )
    }
    i++
    stack.pop()
    closeEntity(entities, top, text.length - top.offset)
  }
  const open = stack[stack.length - 1]
  if (open) throw cantParseEntities(`Can't find end tag corresponding to start tag "${open.tag}"`)
  // A language only survives on <pre><code class="language-x">; plain code entities carry none.
  const cleaned = entities.map((e) =>
    e.type === 'code' ? { type: e.type, offset: e.offset, length: e.length } : e,
  )
  return cleaned.length > 0 ? { text, entities: sortEntities(cleaned) } : { text }
}

function closeEntity(entities: Entity[], open: OpenTag, length: number): void {
  const entity = entityFor(open, length)
  if (!entity || length <= 0) return
  if (entity.type === 'pre') {
    const inner = entities.findIndex(
      (e) => e.type === 'code' && e.offset === entity.offset && e.length === entity.length,
    )
    if (inner !== -1) {
      const language = entities[inner]?.language
      entities.splice(inner, 1)
      if (language) entity.language = language
    }
  }
  entities.push(entity)
}

/** Orders entities like Telegram: by offset, longer (outer) first. */
export function sortEntities(entities: Entity[]): Entity[] {
  return [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length)
}
