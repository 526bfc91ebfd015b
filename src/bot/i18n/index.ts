import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import i18next, { type i18n, type TFunction } from 'i18next'

/** Languages the bot speaks; Russian is the first market and the default. */
export const LANGUAGES = ['ru', 'en'] as const
export type Language = (typeof LANGUAGES)[number]
export const DEFAULT_LANGUAGE: Language = 'ru'

const LOCALES_DIR = fileURLToPath(new URL('../../../locales', import.meta.url))

/** Type guard for a supported language code. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)
}

/** The language of a stored record ("ru", "en"), the default (Russian) when unknown. */
export function languageOf(code: string | null | undefined): Language {
  return isLanguage(code) ? code : DEFAULT_LANGUAGE
}

/**
 * Picks the bot language from Telegram's `language_code` until the user chooses one:
 * Russian for ru and the neighbouring languages whose speakers usually read Russian, English for every
 * other known code, Russian when Telegram sends none.
 */
export function languageFromTelegram(code: string | undefined): Language {
  if (!code) return DEFAULT_LANGUAGE
  const base = code.toLowerCase().split('-')[0] ?? ''
  return ['ru', 'uk', 'be', 'kk', 'ky', 'uz', 'tg', 'hy', 'az'].includes(base) ? 'ru' : 'en'
}

/**
 * Reads `locales/<lang>/<feature>.json` into one namespace, so `balance.json` provides `balance.*` keys.
 * One file per feature keeps translations next to each other and merge-friendly.
 */
export function readLocales(dir = LOCALES_DIR): Record<Language, Record<string, unknown>> {
  const resources = {} as Record<Language, Record<string, unknown>>
  for (const lang of LANGUAGES) {
    const bundle: Record<string, unknown> = {}
    for (const file of readdirSync(path.join(dir, lang)).sort()) {
      if (!file.endsWith('.json')) continue
      bundle[file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(path.join(dir, lang, file), 'utf8'))
    }
    resources[lang] = bundle
  }
  return resources
}

/**
 * Creates an isolated i18next instance with both languages loaded synchronously.
 * Missing keys fall back to Russian and are reported through `onMissingKey` (tests make that fail).
 */
export function createI18n(options: { onMissingKey?: (lang: string, key: string) => void } = {}): i18n {
  const resources = readLocales()
  const instance = i18next.createInstance()
  void instance.init({
    initAsync: false,
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    resources: Object.fromEntries(LANGUAGES.map((lang) => [lang, { translation: resources[lang] }])),
    // Every message is sent as Telegram HTML: interpolated values are escaped unless written {{- raw}}.
    interpolation: { escapeValue: true, escape: escapeHtml },
    returnNull: false,
    saveMissing: options.onMissingKey !== undefined,
    missingKeyHandler: (lngs, _ns, key) => options.onMissingKey?.(lngs.join(','), key),
  })
  return instance
}

/** Escapes text for Telegram's HTML parse mode, which knows only &amp; &lt; &gt; &quot;. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

export type Translate = TFunction
