import type { Api } from 'grammy'
import type { i18n } from 'i18next'
import type { Logger } from 'pino'

/** Commands shown in Telegram's menu, in order; descriptions come from `commands.<name>`. */
export const CUSTOMER_COMMANDS = [
  'start',
  'balance',
  'card',
  'history',
  'rewards',
  'invite',
  'settings',
  'help',
  'language',
  'privacy',
  'forget',
] as const

/**
 * Registers the command menu: English by default, Russian for Russian-speaking clients.
 * Not essential: a failure is logged and the bot keeps serving.
 */
export async function registerCommands(api: Api, i18n: i18n, logger: Logger): Promise<void> {
  const commandsIn = (lang: string) =>
    CUSTOMER_COMMANDS.map((command) => ({
      command,
      description: i18n.getFixedT(lang)(`commands.${command}`),
    }))
  try {
    await api.setMyCommands(commandsIn('en'))
    await api.setMyCommands(commandsIn('ru'), { language_code: 'ru' })
  } catch (error) {
    logger.warn({ err: error }, 'setMyCommands failed; the bot serves without a command menu')
  }
}
