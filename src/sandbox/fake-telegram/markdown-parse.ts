/**
 * Telegram's `MarkdownV2` and legacy `Markdown` parse modes, close enough to reject what
 * Telegram rejects (unescaped reserved characters, unclosed entities) with the same texts.
 */
import { cantParseEntities } from './errors.ts'
import { normalizeLinkUrl, sortEntities } from './html-parse.ts'
import type { Entity, FormattedText } from './types.ts'

const RESERVED = '_*[]()~`>#+-=|{}.!'

const TYPE_NAMES: Record<string, string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  code: 'Code',
  pre: 'Pre',
  text_link: 'TextUrl',
}

interface Open {
  type: string
  offset: number
  byte: number
  language?: string
}

const bytesBefore = (src: string, index: number): number => Buffer.byteLength(src.slice(0, index), 'utf8')

/** Reads `(url)` after a `]`; returns the url and the index after `)`, or null. */
function readLinkTarget(src: string, i: number): { url: string; next: number } | null {
  if (src[i] !== '(') return null
  let url = ''
  let j = i + 1
  while (j < src.length && src[j] !== ')') {
    if (src[j] === '\\' && j + 1 < src.length) j++
    url += src[j]
    j++
  }
  return j < src.length ? { url, next: j + 1 } : null
}

/** Parses MarkdownV2 into plain text plus entities. */
export function parseMarkdownV2(src: string): FormattedText {
  const entities: Entity[] = []
  const stack: Open[] = []
  const quoted: { start: number; end: number }[] = []
  let text = ''
  let quoteStart = -1
  let i = 0
  const close = (open: Open, extra: Partial<Entity> = {}): void => {
    stack.pop()
    const length = text.length - open.offset
    if (length <= 0) return
    const entity: Entity = { type: open.type, offset: open.offset, length, ...extra }
    if (open.type === 'pre' && open.language) entity.language = open.language
    entities.push(entity)
  }
  const toggle = (type: string, width: number): void => {
    const top = stack[stack.length - 1]
    if (top?.type === type) close(top)
    else stack.push({ type, offset: text.length, byte: bytesBefore(src, i) })
    i += width
  }
  while (i < src.length) {
    const c = src[i] ?? ''
    const top = stack[stack.length - 1]
    if (c === '\\' && i + 1 < src.length) {
      const cp = src.codePointAt(i + 1) ?? 0
      text += String.fromCodePoint(cp)
      i += cp > 0xffff ? 3 : 2
      continue
    }
    if (top?.type === 'code' || top?.type === 'pre') {
      if (top.type === 'code' && c === '`') {
        close(top)
        i++
      } else if (top.type === 'pre' && src.startsWith('```', i)) {
        close(top)
        i += 3
      } else {
        text += c
        i++
      }
      continue
    }
    const atLineStart = i === 0 || src[i - 1] === '\n'
    if (c === '>' && atLineStart) {
      if (quoteStart === -1) quoteStart = text.length
      i++
      continue
    }
    if (c === '\n' && quoteStart !== -1 && src[i + 1] !== '>') {
      quoted.push({ start: quoteStart, end: text.length })
      quoteStart = -1
    }
    if (c === '*') toggle('bold', 1)
    else if (c === '_') toggle(src[i + 1] === '_' ? 'underline' : 'italic', src[i + 1] === '_' ? 2 : 1)
    else if (c === '~') toggle('strikethrough', 1)
    else if (c === '|' && src[i + 1] === '|') toggle('spoiler', 2)
    else if (c === '`') {
      const byte = bytesBefore(src, i)
      if (src.startsWith('```', i)) {
        const newline = src.indexOf('\n', i + 3)
        const header = newline === -1 ? '' : src.slice(i + 3, newline)
        const language = /^[\w+#.-]+$/.test(header) ? header : undefined
        stack.push({ type: 'pre', offset: text.length, byte, ...(language ? { language } : {}) })
        i += 3 + (language ? header.length + 1 : 0)
      } else {
        stack.push({ type: 'code', offset: text.length, byte })
        i++
      }
    } else if (c === '[') {
      stack.push({ type: 'text_link', offset: text.length, byte: bytesBefore(src, i) })
      i++
    } else if (c === ']' && top?.type === 'text_link') {
      const target = readLinkTarget(src, i + 1)
      if (!target)
        throw cantParseEntities(`Can't find end of a url at byte offset ${bytesBefore(src, i + 1)}`)
      const url = normalizeLinkUrl(target.url)
      if (url) close(top, { url })
      else stack.pop()
      i = target.next
    } else if (RESERVED.includes(c)) {
      throw cantParseEntities(`Character '${c}' is reserved and must be escaped with the preceding '\\'`)
    } else {
      text += c
      i++
    }
  }
  const open = stack[stack.length - 1]
  if (open)
    throw cantParseEntities(`Can't find end of ${TYPE_NAMES[open.type]} entity at byte offset ${open.byte}`)
  if (quoteStart !== -1) quoted.push({ start: quoteStart, end: text.length })
  for (const q of quoted)
    if (q.end > q.start) entities.push({ type: 'blockquote', offset: q.start, length: q.end - q.start })
  return entities.length > 0 ? { text, entities: sortEntities(entities) } : { text }
}

/** Parses legacy Markdown (`*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````, `[text](url)`). */
export function parseMarkdownLegacy(src: string): FormattedText {
  const entities: Entity[] = []
  let text = ''
  let i = 0
  while (i < src.length) {
    const c = src[i] ?? ''
    if (c === '\\' && '*_`['.includes(src[i + 1] ?? ' ')) {
      text += src[i + 1]
      i += 2
      continue
    }
    if (!'*_`['.includes(c)) {
      text += c
      i++
      continue
    }
    const byte = bytesBefore(src, i)
    const offset = text.length
    const marker = c === '`' && src.startsWith('```', i) ? '```' : c === '[' ? ']' : c
    const end = src.indexOf(marker, i + (marker === ']' ? 1 : marker.length))
    if (end === -1) throw cantParseEntities(`Can't find end of the entity starting at byte offset ${byte}`)
    let inner = src.slice(i + (marker === ']' ? 1 : marker.length), end)
    i = end + marker.length
    let entity: Entity | null = null
    if (marker === ']') {
      const target = readLinkTarget(src, i)
      if (target) {
        i = target.next
        const url = normalizeLinkUrl(target.url)
        if (url) entity = { type: 'text_link', offset, length: inner.length, url }
      }
    } else if (marker === '```') {
      const newline = inner.indexOf('\n')
      const language = newline > 0 ? inner.slice(0, newline) : ''
      if (language && /^[\w+#.-]+$/.test(language)) inner = inner.slice(newline + 1)
      entity = { type: 'pre', offset, length: inner.length, ...(language ? { language } : {}) }
    } else {
      const type = marker === '*' ? 'bold' : marker === '_' ? 'italic' : 'code'
      entity = { type, offset, length: inner.length }
    }
    text += inner
    if (entity && entity.length > 0) entities.push(entity)
  }
  return entities.length > 0 ? { text, entities: sortEntities(entities) } : { text }
}
