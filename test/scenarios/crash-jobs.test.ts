import { describe, expect, it } from 'vitest'
import { ALWAYS_AWAKE_PROGRAM } from '../support/bot-process.ts'
import { createProcessWorld, until, useProcessInfrastructure } from '../support/process-world.ts'

useProcessInfrastructure()

const DAY_MS = 86_400_000

describe('the bot process killed (SIGKILL) while the points-expiry job runs', () => {
  it('expires every lapsed welcome bonus exactly once after the restart, balances equal to the ledger', async () => {
    // Earned points and bonuses last two days; forty customers joined five days ago.
    const world = await createProcessWorld({
      program: `${ALWAYS_AWAKE_PROGRAM}points:\n  expiryDays: 2\n  warningDays: 1\n`,
    })
    const joined = new Date(Date.now() - 5 * DAY_MS)
    const users = Array.from({ length: 40 }, (_, i) =>
      world.user({ id: 7001 + i, first_name: `Гость${i}`, language_code: 'ru' }),
    )
    const customers = await Promise.all(
      users.map((user) => world.joinedCustomer(user, { at: joined, wroteToBot: false })),
    )
    const ledger = world.db.collection<{
      customerId: string
      delta: number
      kind: string
      lotEntryId?: string
    }>('ledger_entries')
    const expiries = () => ledger.countDocuments({ kind: 'expiry' })

    // On start the job writes the expiries off; the bot dies in the middle of it.
    let bot = await world.start()
    await until(async () => (await expiries()) > 0, 'the first expiry entry')
    await bot.kill()
    expect(await expiries()).toBeLessThan(customers.length)

    bot = await world.start()
    await until(async () => (await expiries()) === customers.length, 'every expiry entry')
    const entries = await ledger.find({}).sort({ seq: 1 }).toArray()
    const balances = await world.db
      .collection<{ _id: string; balance: number }>('ledger_balances')
      .find({})
      .toArray()
    for (const customer of customers) {
      const own = entries.filter((entry) => entry.customerId === customer.id)
      expect(own.map((entry) => [entry.kind, entry.delta])).toEqual([
        ['welcome', 100],
        ['expiry', -100],
      ])
      expect(balances.find((row) => row._id === customer.id)?.balance).toBe(0)
    }
    await bot.stop()
  }, 120_000)
})
