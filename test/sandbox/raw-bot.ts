/**
 * A "bot" made of raw Bot API calls, for strictness tests: it fetches and confirms updates
 * with getUpdates so user actions complete without a bot framework.
 */
import type { FakeTelegram, FakeUser } from '../../src/sandbox/fake-telegram/index.ts'
import { call } from './helpers.ts'

/** Lets `user` run `action` while this test plays the bot: fetch the update, then confirm it. */
export async function asRawBot<T>(tg: FakeTelegram, token: string, action: () => Promise<T>): Promise<T> {
  const pending = action()
  const fetched = await call(tg, token, 'getUpdates', { timeout: 2 })
  const updates = fetched.result as { update_id: number }[]
  const last = updates.at(-1)
  if (!last) throw new Error(`no update arrived: ${JSON.stringify(fetched)}`)
  await call(tg, token, 'getUpdates', { offset: last.update_id + 1 })
  return pending
}

/** Opens the chat between `user` and the raw bot (the user presses Start). */
export async function openChat(tg: FakeTelegram, token: string, user: FakeUser): Promise<void> {
  await call(tg, token, 'getMe')
  await asRawBot(tg, token, () => user.start())
}
