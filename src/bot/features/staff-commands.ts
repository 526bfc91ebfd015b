import type { Api } from 'grammy'
import type { TFunction } from 'i18next'
import { CUSTOMER_COMMANDS } from '../commands.ts'

/** Desk commands added to a staff member's menu; owners also get their reports and tools. */
const STAFF_COMMANDS = ['scan', 'undo'] as const
const OWNER_COMMANDS = [
  'stats',
  'nps',
  'segments',
  'broadcast',
  'staff',
  'audit',
  'export',
  'program',
  'scan',
  'undo',
] as const

/**
 * Shows the desk commands in this chat's command menu (a chat-scoped menu on top of the customer's),
 * in the user's language (`t`). Not essential: a failure is logged and the desk works by typing.
 */
export async function showDeskCommands(
  deps: { api: Api; logger: { warn(obj: object, msg: string): void } },
  chatId: number,
  t: TFunction,
  role: 'staff' | 'owner',
): Promise<void> {
  const desk = role === 'owner' ? OWNER_COMMANDS : STAFF_COMMANDS
  const commands = [
    ...desk.map((command) => ({ command, description: t(`staff.command_${command}`) })),
    ...CUSTOMER_COMMANDS.map((command) => ({ command, description: t(`commands.${command}`) })),
  ]
  await deps.api
    .setMyCommands(commands, { scope: { type: 'chat', chat_id: chatId } })
    .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not show the desk commands'))
}

/** Back to the customer's menu, e.g. after the owner removed the staff member. */
export async function hideDeskCommands(
  deps: { api: Api; logger: { warn(obj: object, msg: string): void } },
  chatId: number,
): Promise<void> {
  await deps.api
    .deleteMyCommands({ scope: { type: 'chat', chat_id: chatId } })
    .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not hide the desk commands'))
}
