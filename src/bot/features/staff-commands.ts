import type { Api, MiddlewareFn } from 'grammy'
import type { TFunction } from 'i18next'
import { CUSTOMER_COMMANDS } from '../commands.ts'
import type { Context } from '../context.ts'

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

type DeskRole = 'staff' | 'owner'

/** What a chat's desk menu holds: role, language and commands, so any change of them shows anew. */
function deskMenuOf(role: DeskRole, language: string): string {
  return `${role}:${language}:${(role === 'owner' ? OWNER_COMMANDS : STAFF_COMMANDS).join(',')}`
}

/**
 * Shows the desk commands in this chat's command menu (a chat-scoped menu on top of the customer's),
 * in the user's language (`t`). Not essential: a failure is logged, the desk works by typing, and
 * false is returned.
 */
async function showDeskCommands(
  deps: { api: Api; logger: { warn(obj: object, msg: string): void } },
  chatId: number,
  t: TFunction,
  role: DeskRole,
): Promise<boolean> {
  const desk = role === 'owner' ? OWNER_COMMANDS : STAFF_COMMANDS
  const commands = [
    ...desk.map((command) => ({ command, description: t(`staff.command_${command}`) })),
    ...CUSTOMER_COMMANDS.map((command) => ({ command, description: t(`commands.${command}`) })),
  ]
  return deps.api
    .setMyCommands(commands, { scope: { type: 'chat', chat_id: chatId } })
    .catch((error: unknown) => {
      deps.logger.warn({ err: error }, 'could not show the desk commands')
      return false
    })
}

/** Back to the customer's menu, e.g. after the owner removed the staff member; false when it failed. */
export async function hideDeskCommands(
  deps: { api: Api; logger: { warn(obj: object, msg: string): void } },
  chatId: number,
): Promise<boolean> {
  return deps.api.deleteMyCommands({ scope: { type: 'chat', chat_id: chatId } }).catch((error: unknown) => {
    deps.logger.warn({ err: error }, 'could not hide the desk commands')
    return false
  })
}

/**
 * Puts `role`'s desk menu in the private chat of this update, in the user's language, and remembers it
 * in the chat's session so it is set once, not on every update (nothing to do when it is there already).
 */
export async function showDeskMenu(ctx: Context, role: DeskRole): Promise<void> {
  if (ctx.chat?.type !== 'private') return
  const menu = deskMenuOf(role, ctx.lang)
  if (ctx.session.deskMenu === menu) return
  if (await showDeskCommands(ctx, ctx.chat.id, ctx.t, role)) ctx.session.deskMenu = menu
}

/**
 * Keeps an owner's or staff member's command menu in step with their role and language. Telegram
 * accepts a chat-scoped menu only once the user has written to the bot, so it is set on their first
 * update (not at start-up, when an owner's chat may not exist yet), again when the role, the
 * language or the desk commands changed, and taken away when the role is gone.
 */
export const syncDeskMenu: MiddlewareFn<Context> = async (ctx, next) => {
  if (ctx.chat?.type === 'private') {
    const role = ctx.role
    if (role === 'customer') {
      if (ctx.session.deskMenu !== undefined && (await hideDeskCommands(ctx, ctx.chat.id))) {
        delete ctx.session.deskMenu
      }
    } else {
      await showDeskMenu(ctx, role)
    }
  }
  await next()
}
