import { Composer, InlineKeyboard } from 'grammy'
import { callbackCodec } from '../callback-data.ts'
import type { Context } from '../context.ts'
import { hideDeskCommands } from './staff-commands.ts'
import { outletName } from './staff-views.ts'

type StaffMenuAction =
  { kind: 'invite'; outletId: string } | { kind: 'list' } | { kind: 'remove'; telegramId: number }

/** `ownst.1:invite:<outletId>`, `ownst.1:list`, `ownst.1:rm:<telegramId>`. */
const staffMenu = callbackCodec<StaffMenuAction>('ownst', 1, {
  encode: (action) =>
    action.kind === 'invite'
      ? ['invite', action.outletId]
      : action.kind === 'list'
        ? ['list']
        : ['rm', String(action.telegramId)],
  decode: ([kind, arg, ...rest]) => {
    if (rest.length > 0) return undefined
    if (kind === 'invite' && arg && /^[a-z0-9][a-z0-9_-]*$/.test(arg)) return { kind, outletId: arg }
    if (kind === 'list' && arg === undefined) return { kind }
    if (kind === 'rm' && arg && /^\d{1,15}$/.test(arg)) return { kind: 'remove', telegramId: Number(arg) }
    return undefined
  },
})

const composer = new Composer<Context>()
const feature = composer.chatType('private')

/** Owners only: anyone else is told politely, and nothing happens. */
const ownerOnly = async (ctx: Context, next: () => Promise<void>) => {
  if (ctx.role === 'owner') return next()
  if (ctx.callbackQuery)
    await ctx.answerCallbackQuery({ text: ctx.t('errors.not_allowed'), show_alert: true })
  else await ctx.reply(ctx.t('errors.not_allowed'))
}

/** /staff: the owner's staff menu — an invite link per outlet, and the list with removal. */
feature.command('staff', ownerOnly, async (ctx) => {
  const keyboard = new InlineKeyboard()
  for (const outlet of ctx.config.program.outlets) {
    keyboard
      .text(
        ctx.t('staff_owner.button_invite', { outlet: outlet.name }),
        staffMenu.encode({ kind: 'invite', outletId: outlet.id }),
      )
      .row()
  }
  keyboard.text(ctx.t('staff_owner.button_list'), staffMenu.encode({ kind: 'list' }))
  await ctx.reply(ctx.t('staff_owner.menu'), { reply_markup: keyboard })
})

feature.callbackQuery(staffMenu.pattern, ownerOnly, async (ctx) => {
  const action = staffMenu.decode(ctx.callbackQuery.data)
  if (!action) {
    await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') })
    return
  }
  const { program } = ctx.config
  const desk = ctx.services.staffDesk
  switch (action.kind) {
    case 'invite': {
      if (!program.outlets.some((outlet) => outlet.id === action.outletId)) {
        await ctx.answerCallbackQuery({ text: ctx.t('staff_owner.unknown_outlet') })
        return
      }
      const invite = await desk.createInvite(ctx.from.id, action.outletId)
      await ctx.answerCallbackQuery()
      await ctx.reply(
        ctx.t('staff_owner.invite_link', {
          outlet: outletName(program, action.outletId),
          link: `https://t.me/${ctx.me.username}?start=s-${invite.token}`,
        }),
        { link_preview_options: { is_disabled: true } },
      )
      return
    }
    case 'list': {
      await ctx.answerCallbackQuery()
      const members = await desk.listStaff()
      if (members.length === 0) {
        await ctx.reply(ctx.t('staff_owner.list_empty'))
        return
      }
      const keyboard = new InlineKeyboard()
      for (const member of members) {
        keyboard
          .text(
            ctx.t('staff_owner.button_remove', { name: member.name }),
            staffMenu.encode({ kind: 'remove', telegramId: member.telegramId }),
          )
          .row()
      }
      const lines = members.map((member) =>
        ctx.t('staff_owner.list_line', { name: member.name, outlet: outletName(program, member.outletId) }),
      )
      await ctx.reply(
        ctx.t('staff_owner.list', { lines: lines.join('\n'), interpolation: { escapeValue: false } }),
        {
          reply_markup: keyboard,
        },
      )
      return
    }
    case 'remove': {
      const member = (await desk.listStaff()).find((item) => item.telegramId === action.telegramId)
      const removed = await desk.removeStaff(action.telegramId)
      if (removed) await hideDeskCommands(ctx, action.telegramId)
      await ctx.answerCallbackQuery()
      await ctx.reply(
        removed && member
          ? ctx.t('staff_owner.removed', { name: member.name })
          : ctx.t('staff_owner.remove_missing'),
      )
      return
    }
  }
})

export { composer as ownerStaffFeature }
