import { describe, expect, it } from 'vitest'
import { parseHtml } from '../../src/sandbox/fake-telegram/html-parse.ts'
import { parseMarkdownLegacy, parseMarkdownV2 } from '../../src/sandbox/fake-telegram/markdown-parse.ts'
import { formatCaption, formatMessageText } from '../../src/sandbox/fake-telegram/text-format.ts'

const fails = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    return (e as Error).message
  }
  return 'no error'
}

describe('HTML parse mode', () => {
  it('produces UTF-16 offsets, nested entities and decoded references', () => {
    expect(parseHtml('😀 <b>Bold <i>both</i></b> &#x41;&#66;&quot;')).toEqual({
      text: '😀 Bold both AB"',
      entities: [
        { type: 'bold', offset: 3, length: 9 },
        { type: 'italic', offset: 8, length: 4 },
      ],
    })
  })

  it('supports the tags Telegram documents, case-insensitively', () => {
    const { entities } = parseHtml(
      '<STRONG>s</STRONG><em>e</em><ins>u</ins><del>d</del><tg-spoiler>t</tg-spoiler><span class="tg-spoiler">p</span>' +
        '<code>c</code><pre><code class="language-ts">x</code></pre><blockquote expandable>q</blockquote>' +
        '<a href="example.com">l</a><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
    )
    expect(entities?.map((e) => e.type)).toEqual([
      'bold',
      'italic',
      'underline',
      'strikethrough',
      'spoiler',
      'spoiler',
      'code',
      'pre',
      'expandable_blockquote',
      'text_link',
      'custom_emoji',
    ])
    expect(entities?.find((e) => e.type === 'pre')).toMatchObject({ language: 'ts' })
    expect(entities?.find((e) => e.type === 'text_link')).toMatchObject({ url: 'http://example.com' })
  })

  it('keeps unknown character references literally, like Telegram', () => {
    expect(parseHtml('Tom & Jerry &nbsp; &copy;')).toEqual({ text: 'Tom & Jerry &nbsp; &copy;' })
  })

  it('reports errors with byte offsets', () => {
    expect(fails(() => parseHtml('Привет <br>'))).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 13',
    )
    expect(fails(() => parseHtml('<b'))).toBe(
      "Bad Request: can't parse entities: Unclosed start tag at byte offset 0",
    )
    expect(fails(() => parseHtml('<a href=x!y>z</a>'))).toBe(
      "Bad Request: can't parse entities: Unexpected end of name token at byte offset 9",
    )
    expect(fails(() => parseHtml('<tg-emoji emoji-id="abc">x</tg-emoji>'))).toBe(
      "Bad Request: can't parse entities: Invalid custom emoji identifier specified",
    )
  })
})

describe('Markdown parse modes', () => {
  it('parses MarkdownV2 entities, escapes and links', () => {
    expect(parseMarkdownV2('*bold _both_* \\. [site](https://t.me/x\\)y) `a*b` ||s||')).toEqual({
      text: 'bold both . site a*b s',
      entities: [
        { type: 'bold', offset: 0, length: 9 },
        { type: 'italic', offset: 5, length: 4 },
        { type: 'text_link', offset: 12, length: 4, url: 'https://t.me/x)y' },
        { type: 'code', offset: 17, length: 3 },
        { type: 'spoiler', offset: 21, length: 1 },
      ],
    })
  })

  it('rejects reserved characters and unclosed entities with Telegram’s texts', () => {
    expect(fails(() => parseMarkdownV2('a-b'))).toBe(
      "Bad Request: can't parse entities: Character '-' is reserved and must be escaped with the preceding '\\'",
    )
    expect(fails(() => parseMarkdownV2('*unclosed'))).toBe(
      "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0",
    )
    expect(fails(() => parseMarkdownV2('*bold _italic\\_*'))).toBe(
      "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 15",
    )
    expect(fails(() => parseMarkdownLegacy('*unclosed'))).toBe(
      "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 0",
    )
    expect(parseMarkdownLegacy('*b* _i_ [l](https://a.io)')).toMatchObject({ text: 'b i l' })
  })
})

describe('text and caption formatting', () => {
  it('trims whitespace like Telegram and shifts entities', () => {
    expect(formatMessageText('  <b>hi</b> there \n', 'HTML')).toEqual({
      text: 'hi there',
      entities: [{ type: 'bold', offset: 0, length: 2 }],
    })
    expect(fails(() => formatMessageText('<b> </b>', 'HTML'))).toBe('Bad Request: text must be non-empty')
  })

  it('validates explicit entities', () => {
    expect(
      fails(() => formatMessageText('hello', undefined, [{ type: 'bold', offset: 100, length: 1 }])),
    ).toBe('Bad Request: entity begins after the end of the text at UTF-16 offset 100')
    expect(
      fails(() => formatMessageText('hello', undefined, [{ type: 'shiny', offset: 0, length: 1 }])),
    ).toBe("Bad Request: can't parse MessageEntity: Unsupported type specified")
    expect(formatCaption('', 'HTML')).toBeNull()
  })
})
