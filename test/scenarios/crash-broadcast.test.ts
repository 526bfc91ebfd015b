import { describe, expect, it } from 'vitest'
import type { Customer } from '../../src/db/customers.ts'
import type { FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { answered, createProcessWorld, until, useProcessInfrastructure } from '../support/process-world.ts'
import { broadcastUnderWay, OFFER } from './crash-support.ts'

useProcessInfrastructure()

/*
 * Telegram has no idempotency key for sendMessage: a message whose send was under way when the bot
 * died may or may not have arrived. The outbox sends at most once (see src/services/outbox.ts):
 * such messages are given up as "unconfirmed", everyone else gets the broadcast exactly once.
 */

describe('the bot process killed (SIGKILL) in the middle of a broadcast', () => {
  it('sends nobody the offer twice, gives up only the messages caught mid-send, and finishes the broadcast after the restart', async () => {
    const world = await createProcessWorld()
    let bot = await world.start()
    const { users, customers, owner, offers } = await broadcastUnderWay(world, 6001)
    // Telegram takes the next offer but its answer never comes back; the bot dies while waiting.
    world.tg.disruptNext('sendMessage', { kind: 'hang', processed: true })
    await until(() => offers().some((call) => call.disrupted === 'hang'), 'the unanswered offer')
    await bot.kill()
    const deliveredBeforeCrash = offers().filter((call) => call.ok).length
    expect(deliveredBeforeCrash).toBeLessThan(customers.length)

    bot = await world.start()
    await answered(owner, async () => {}, /Рассылка завершена/)

    // Exactly once for everyone the outbox marked sent; at most once for those caught mid-send.
    const outbox = world.db.collection<{ _id: string; status: string; dropReason: string | null }>('outbox')
    const rows = new Map(
      (await outbox.find({ _id: { $regex: /^broadcast:/ } }).toArray()).map((row) => [
        row._id.split(':')[2],
        row,
      ]),
    )
    const copies = (user: FakeUser) => user.texts().filter((text) => text.includes(OFFER)).length
    let unconfirmed = 0
    for (const [index, user] of users.entries()) {
      await user.refresh()
      const row = rows.get((customers[index] as Customer).id)
      if (row?.status === 'sent') {
        expect(copies(user), user.profile.first_name).toBe(1)
      } else {
        expect(row, user.profile.first_name).toMatchObject({ status: 'dropped', dropReason: 'unconfirmed' })
        expect(copies(user)).toBeLessThanOrEqual(1)
        unconfirmed += 1
      }
    }
    const hung = offers().find((call) => call.disrupted === 'hang')!
    const hungUser = users.find((user) => user.id === Number(hung.params.chat_id))!
    expect(copies(hungUser)).toBe(1)
    expect(rows.get(customers[users.indexOf(hungUser)]!.id)).toMatchObject({ dropReason: 'unconfirmed' })
    // Only what was in flight at the crash is given up; the rest went out after the restart.
    expect(unconfirmed).toBeLessThanOrEqual(32)
    expect(rows.size).toBe(customers.length)
    const report = owner.lastText() ?? ''
    expect(report).toContain(`Доставлено: ${customers.length - unconfirmed}`)
    expect(report).toContain(`Не подтверждено (сбой во время отправки`)
    expect(owner.texts().filter((text) => text.includes('Рассылка завершена'))).toHaveLength(1)
    const broadcasts = world.db.collection<{ status: string }>('broadcasts')
    expect(await broadcasts.countDocuments({ status: 'done' })).toBe(1)
    await bot.stop()
  }, 120_000)
})
