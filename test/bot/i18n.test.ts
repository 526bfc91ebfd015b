import { describe, expect, it } from 'vitest'
import { formatMoney } from '../../src/bot/i18n/format.ts'
import { DOMAIN_ERROR_CODES, translationKeyOf } from '../../src/domain/errors.ts'
import { createI18n, escapeHtml, languageFromTelegram, readLocales } from '../../src/bot/i18n/index.ts'

/** Flattens a nested translation bundle into its keys, with plural suffixes folded into the base key. */
function keysOf(bundle: unknown, prefix = ''): Set<string> {
  const keys = new Set<string>()
  for (const [key, value] of Object.entries(bundle as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (value && typeof value === 'object') for (const nested of keysOf(value, path)) keys.add(nested)
    else keys.add(path.replace(/_(zero|one|two|few|many|other)$/, ''))
  }
  return keys
}

describe('translations', () => {
  it('should have every key in both Russian and English', () => {
    const { ru, en } = readLocales()
    const ruKeys = keysOf(ru)
    const enKeys = keysOf(en)
    expect([...ruKeys].filter((key) => !enKeys.has(key))).toEqual([])
    expect([...enKeys].filter((key) => !ruKeys.has(key))).toEqual([])
  })

  it('should give every Russian plural key all of one, few and many forms', () => {
    const flat = (bundle: unknown, prefix = ''): string[] =>
      Object.entries(bundle as Record<string, unknown>).flatMap(([key, value]) =>
        value && typeof value === 'object' ? flat(value, `${prefix}${key}.`) : [`${prefix}${key}`],
      )
    const keys = flat(readLocales().ru)
    for (const key of keys.filter((k) => /_(one|few|many)$/.test(k))) {
      const base = key.replace(/_(one|few|many)$/, '')
      expect(keys, base).toEqual(expect.arrayContaining([`${base}_one`, `${base}_few`, `${base}_many`]))
    }
  })

  it('should use correct Russian plural forms for points', () => {
    const t = createI18n().getFixedT('ru')
    expect([1, 2, 5, 11, 21, 22, 25, 111, 1250].map((count) => t('common.points', { count }))).toEqual([
      '1 балл',
      '2 балла',
      '5 баллов',
      '11 баллов',
      '21 балл',
      '22 балла',
      '25 баллов',
      '111 баллов',
      '1\u00a0250 баллов',
    ])
  })

  it('should use English plural forms for points', () => {
    const t = createI18n().getFixedT('en')
    expect([1, 2, 1250].map((count) => t('common.points', { count }))).toEqual([
      '1 point',
      '2 points',
      '1,250 points',
    ])
  })

  it('should escape interpolated values for Telegram HTML', () => {
    const t = createI18n().getFixedT('ru')
    expect(t('start.welcome', { name: '<b>Bob</b> & co', shop: 'Кофе' })).toContain(
      '&lt;b&gt;Bob&lt;/b&gt; &amp; co',
    )
    expect(escapeHtml('"a" < b')).toBe('&quot;a&quot; &lt; b')
  })
})

describe('language from Telegram', () => {
  it('should speak Russian to ru, uk and users without a language, English to others', () => {
    expect(languageFromTelegram('ru')).toBe('ru')
    expect(languageFromTelegram('uk')).toBe('ru')
    expect(languageFromTelegram(undefined)).toBe('ru')
    expect(languageFromTelegram('en-US')).toBe('en')
    expect(languageFromTelegram('de')).toBe('en')
  })
})

describe('money formatting', () => {
  it('should format minor units by locale without floating point', () => {
    expect(formatMoney(125050, 'RUB', 2, 'ru')).toBe('1\u00a0250,50\u00a0₽')
    expect(formatMoney(125000, 'RUB', 2, 'ru')).toBe('1\u00a0250\u00a0₽')
    expect(formatMoney(5, 'RUB', 2, 'ru')).toBe('0,05\u00a0₽')
    expect(formatMoney(-5, 'RUB', 2, 'ru')).toBe('-0,05\u00a0₽')
    expect(formatMoney(125050, 'RUB', 2, 'en')).toBe('₽1,250.50')
  })
})

describe('domain error messages', () => {
  it('should translate every domain error code in both languages', () => {
    const i18n = createI18n()
    for (const lang of ['ru', 'en']) {
      const t = i18n.getFixedT(lang)
      const missing = DOMAIN_ERROR_CODES.filter(
        // `count` lets a message with plural forms (points: 1 балл, 2 балла) count as present.
        (code) => !i18n.exists(translationKeyOf(code), { lng: lang, fallbackLng: false, count: 1 }),
      )
      expect(missing, lang).toEqual([])
      expect(t(translationKeyOf('LEDGER.INSUFFICIENT_POINTS'), { balance: 5, requested: 10 })).toMatch(
        /5.*10/,
      )
    }
    const ru = i18n.getFixedT('ru')
    const overBalance = (balance: number) =>
      ru(translationKeyOf('REDEEM.OVER_BALANCE'), { balance, max: balance, count: balance })
    expect([1, 2, 5, 21].map(overBalance)).toEqual([
      'Доступен только 1 балл.',
      'Доступно только 2 балла.',
      'Доступно только 5 баллов.',
      'Доступен только 21 балл.',
    ])
  })
})
