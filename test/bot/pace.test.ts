import { describe, expect, it } from 'vitest'
import type { Transformer } from 'grammy'
import { pacer, type PaceTimer } from '../../src/bot/pace.ts'

/** A clock that moves only when told, running the timers that fall due on the way. */
function manualTimer() {
  let now = 0
  let timers: { at: number; callback: () => void }[] = []
  const timer: PaceTimer = {
    now: () => now,
    setTimeout: (callback, ms) => timers.push({ at: now + ms, callback }),
  }
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve))
  return {
    timer,
    now: () => now,
    /** Lets pending calls start, then advances time millisecond by millisecond, running due timers. */
    async advance(ms: number) {
      await flush()
      const end = now + ms
      while (now < end) {
        now += 1
        const due = timers.filter((entry) => entry.at <= now)
        timers = timers.filter((entry) => entry.at > now)
        for (const entry of due) entry.callback()
        await flush()
      }
    },
    flush,
  }
}

/** A pacer in front of a fake Telegram that records when each call arrived; calls take `callMs`. */
function pacedApi(pace: Parameters<typeof pacer>[0], clock: ReturnType<typeof manualTimer>, callMs = 0) {
  const arrivals: { chat: number | string; text: string; at: number }[] = []
  const transformer = pacer(pace, clock.timer)
  const telegram = (async (_method: string, payload: { chat_id: number | string; text: string }) => {
    arrivals.push({ chat: payload.chat_id, text: payload.text, at: clock.now() })
    if (callMs > 0) {
      const done = clock.now() + callMs
      while (clock.now() < done) await clock.flush()
    }
    return { ok: true, result: true }
  }) as unknown as Parameters<Transformer>[0]
  const send = (chat: number | string, text: string) =>
    transformer(telegram, 'sendMessage', { chat_id: chat, text } as never, undefined)
  return { arrivals, send }
}

describe('the pacer of outgoing calls', () => {
  it('lets a burst into one chat through at once, then one call per interval, in order', async () => {
    const clock = manualTimer()
    const api = pacedApi({ globalPerSecond: 100, perChatPerSecond: 1, perChatBurst: 2 }, clock)
    const sent = ['a', 'b', 'c', 'd'].map((text) => api.send(7, text))
    await clock.flush()
    expect(api.arrivals.map((call) => call.text)).toEqual(['a', 'b'])
    await clock.advance(3000)
    await Promise.all(sent)
    expect(api.arrivals).toEqual([
      { chat: 7, text: 'a', at: 0 },
      { chat: 7, text: 'b', at: 0 },
      { chat: 7, text: 'c', at: 1000 },
      { chat: 7, text: 'd', at: 2000 },
    ])
  })

  it('keeps the global rate across chats, serving waiting calls first come first served', async () => {
    const clock = manualTimer()
    const api = pacedApi({ globalPerSecond: 2, perChatPerSecond: 100, perChatBurst: 100 }, clock)
    const sent = [1, 2, 3, 4, 5].map((chat) => api.send(chat, `to ${chat}`))
    await clock.advance(2000)
    await Promise.all(sent)
    // A burst of half a second's worth (one call at 2/s), then one call every 500 ms.
    expect(api.arrivals.map((call) => [call.chat, call.at])).toEqual([
      [1, 0],
      [2, 500],
      [3, 1000],
      [4, 1500],
      [5, 2000],
    ])
  })

  it('sends into one chat one call at a time: the next starts when the previous answered', async () => {
    const clock = manualTimer()
    const api = pacedApi({ globalPerSecond: 100, perChatPerSecond: 100, perChatBurst: 100 }, clock, 50)
    const sent = [api.send(7, 'first'), api.send(7, 'second'), api.send(8, 'other chat')]
    await clock.advance(200)
    await Promise.all(sent)
    expect(api.arrivals).toEqual([
      { chat: 7, text: 'first', at: 0 },
      { chat: 8, text: 'other chat', at: 0 },
      { chat: 7, text: 'second', at: 50 },
    ])
  })

  it('holds a group to about 20 messages a minute', async () => {
    const clock = manualTimer()
    const api = pacedApi({ globalPerSecond: 100, perChatPerSecond: 100, perChatBurst: 1 }, clock)
    const sent = [api.send(-100, 'one'), api.send(-100, 'two')]
    await clock.advance(3000)
    await Promise.all(sent)
    expect(api.arrivals.map((call) => call.at)).toEqual([0, 3000])
  })

  it('passes calls without a chat straight through', async () => {
    const clock = manualTimer()
    const transformer = pacer({ globalPerSecond: 1, perChatPerSecond: 1, perChatBurst: 1 }, clock.timer)
    const calls: string[] = []
    const telegram = (async (method: string) => {
      calls.push(method)
      return { ok: true, result: true }
    }) as unknown as Parameters<Transformer>[0]
    await Promise.all(
      ['getMe', 'answerCallbackQuery', 'setMyCommands'].map((method) =>
        transformer(telegram, method as never, {} as never, undefined),
      ),
    )
    expect(calls).toEqual(['getMe', 'answerCallbackQuery', 'setMyCommands'])
  })
})
