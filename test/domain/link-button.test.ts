import { describe, expect, it } from 'vitest'
import { LINK_LABEL_MAX, parseLinkButton } from '../../src/domain/link-button.ts'

describe('parseLinkButton', () => {
  it('should read a label and an https address around the first bar', () => {
    expect(parseLinkButton('  Меню | https://zerno.cafe/menu?x=1 ')).toEqual({
      ok: true,
      button: { label: 'Меню', url: 'https://zerno.cafe/menu?x=1' },
    })
    expect(parseLinkButton('A | b | http://zerno.cafe')).toEqual({ ok: false, error: 'url' })
  })

  it('should send a Cyrillic domain as punycode', () => {
    expect(parseLinkButton('Сайт | https://кофейня.рф')).toEqual({
      ok: true,
      button: { label: 'Сайт', url: 'https://xn--e1aiboc0b6e.xn--p1ai/' },
    })
  })

  it.each(['https://zerno.cafe', 'Меню https://zerno.cafe', ' | https://zerno.cafe', 'Меню | '])(
    'should refuse %j as not shaped like "label | address"',
    (input) => {
      expect(parseLinkButton(input)).toEqual({ ok: false, error: 'format' })
    },
  )

  it.each([
    'Меню | zerno.cafe',
    'Меню | ftp://zerno.cafe',
    'Меню | javascript:alert(1)',
    'Меню | tg://resolve?domain=zerno',
    'Меню | https://localhost/menu',
    'Меню | https://user:secret@zerno.cafe',
    'Меню | https://zerno cafe.ru',
    'Меню | https://',
  ])('should refuse %j as not a web address', (input) => {
    expect(parseLinkButton(input)).toEqual({ ok: false, error: 'url' })
  })

  it(`should refuse a label over ${LINK_LABEL_MAX} characters`, () => {
    expect(parseLinkButton(`${'я'.repeat(LINK_LABEL_MAX)} | https://zerno.cafe`).ok).toBe(true)
    expect(parseLinkButton(`${'я'.repeat(LINK_LABEL_MAX + 1)} | https://zerno.cafe`)).toEqual({
      ok: false,
      error: 'label_length',
    })
  })
})
