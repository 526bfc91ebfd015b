import { Keyboard } from 'grammy'
import type { TFunction } from 'i18next'
import type { Context } from '../context.ts'
import { LANGUAGES } from '../i18n/index.ts'

/** Menu entries in display order, as translation keys; each feature that owns an entry handles its label. */
export const MAIN_MENU_ROWS: readonly (readonly string[])[] = [
  ['menu.balance', 'menu.card'],
  ['menu.history', 'menu.rewards'],
  ['menu.invite', 'menu.settings'],
  ['menu.help'],
]

/** The persistent reply keyboard with the main menu, in the user's language. */
export function mainMenu(ctx: Pick<Context, 't'>): Keyboard {
  const keyboard = new Keyboard()
  for (const row of MAIN_MENU_ROWS) {
    for (const key of row) keyboard.text(ctx.t(key))
    keyboard.row()
  }
  return keyboard.resized().persistent()
}

/** Every language's label of a menu entry, so `bot.hears(menuLabels(t, 'menu.help'), ...)` works in both. */
export function menuLabels(t: (lang: string) => TFunction, key: string): string[] {
  return LANGUAGES.map((lang) => t(lang)(key))
}
