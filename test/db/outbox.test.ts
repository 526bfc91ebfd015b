import { randomBytes } from 'node:crypto'
import type { Connection } from 'mongoose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDatabase } from '../../src/db/connection.ts'
import { createOutboxRepository, type NewOutboxMessage, type OutboxRepository } from '../../src/db/outbox.ts'
import { startEmbeddedDb, type EmbeddedDb } from '../../src/embedded-mongo/index.ts'

let db: EmbeddedDb | undefined
let connection: Connection
let outbox: OutboxRepository

beforeAll(async () => {
  const uri = process.env.MONGODB_URI ?? (db = await startEmbeddedDb({ port: 0 })).uri
  connection = await connectDatabase(uri, `t_outbox_${randomBytes(4).toString('hex')}`)
  outbox = await createOutboxRepository(connection)
})

afterAll(async () => {
  await connection?.dropDatabase().catch(() => undefined)
  await connection?.close()
  await db?.stop()
})

const NOON = new Date('2026-03-14T09:00:00Z')

function message(key: string, overrides: Partial<NewOutboxMessage> = {}): NewOutboxMessage {
  return {
    key,
    customerId: 'c1',
    category: 'promotion',
    promotional: true,
    tags: ['promo'],
    payload: { parts: [{ key: 'greetings.birthday' }] },
    dueAt: NOON,
    createdAt: NOON,
    ...overrides,
  }
}

describe('the outbox repository', () => {
  it('should queue a key once, however often and concurrently it is added', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => outbox.add(message('once'))))
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await outbox.findByKey('once')).toMatchObject({ status: 'pending', customerId: 'c1' })
  })

  it('should queue many messages at once, leaving the keys already queued as they are', async () => {
    await outbox.add(message('many-2', { customerId: 'first' }))
    const added = await outbox.addMany(
      ['many-1', 'many-2', 'many-3'].map((key) => message(key, { customerId: 'second' })),
    )
    expect(added).toBe(2)
    expect(await outbox.findByKey('many-2')).toMatchObject({ status: 'pending', customerId: 'first' })
    expect(await outbox.findByKey('many-3')).toMatchObject({ status: 'pending', customerId: 'second' })
    expect(await outbox.addMany(['many-1', 'many-3'].map((key) => message(key)))).toBe(0)
    expect(await outbox.addMany([])).toBe(0)
  })

  it('should let exactly one of several concurrent claims take a due message', async () => {
    await outbox.add(message('claimed'))
    const claims = await Promise.all([1, 2, 3].map(() => outbox.claim('claimed', NOON)))
    expect(claims.filter(Boolean)).toHaveLength(1)
    expect(await outbox.claim('claimed', NOON)).toBe(false)
    expect((await outbox.due(NOON, 100)).map((due) => due.key)).not.toContain('claimed')
  })

  it('should not claim or list a message before it is due, and list it again after rescheduling', async () => {
    const later = new Date(NOON.getTime() + 60_000)
    await outbox.add(message('later', { dueAt: later }))
    expect(await outbox.claim('later', NOON)).toBe(false)
    expect((await outbox.due(NOON, 100)).map((due) => due.key)).not.toContain('later')
    expect(await outbox.claim('later', later)).toBe(true)
    const morning = new Date(NOON.getTime() + 3_600_000)
    await outbox.reschedule('later', morning, 'sending')
    expect(await outbox.findByKey('later')).toMatchObject({ status: 'pending', dueAt: morning })
    expect((await outbox.due(morning, 100)).map((due) => due.key)).toContain('later')
  })

  it('should count only sent promotional messages inside the 30-day window', async () => {
    const customerId = 'counted'
    const sent = async (key: string, at: Date, promotional = true) => {
      await outbox.add(message(key, { customerId, promotional, dueAt: at, createdAt: at }))
      expect(await outbox.claim(key, at)).toBe(true)
      await outbox.markSent(key, at, 1)
    }
    const day = 86_400_000
    await sent('p-old', new Date(NOON.getTime() - 31 * day))
    await sent('p-1', new Date(NOON.getTime() - 10 * day))
    await sent('p-2', new Date(NOON.getTime() - day))
    await sent('birthday-no-bonus', new Date(NOON.getTime() - day), false)
    await outbox.add(message('p-queued', { customerId }))
    await outbox.add(message('p-dropped', { customerId }))
    await outbox.drop('p-dropped', 'frequency_cap', 'pending')
    expect(await outbox.countPromotionalSentSince(customerId, new Date(NOON.getTime() - 30 * day))).toBe(2)
    expect((await outbox.withTag(customerId, 'promo')).map((found) => found.key)).not.toContain('p-dropped')
  })

  it('should list as unconfirmed only the messages claimed before the instant and still being sent', async () => {
    // Claimed before the other tests' messages, so the cut-off (NOON) leaves theirs alone.
    const early = new Date(NOON.getTime() - 60_000)
    for (const key of ['mid-send', 'sent-fine', 'claimed-later', 'never-claimed'])
      await outbox.add(message(key, { customerId: 'orphans', dueAt: early }))
    expect(await outbox.claim('mid-send', early)).toBe(true)
    expect(await outbox.claim('sent-fine', early)).toBe(true)
    await outbox.markSent('sent-fine', early, 7)
    expect(await outbox.claim('claimed-later', NOON)).toBe(true)
    expect((await outbox.sendingClaimedBefore(NOON)).map((found) => found.key)).toEqual(['mid-send'])
    expect(await outbox.drop('mid-send', 'unconfirmed', 'sending')).toBe(true)
    expect(await outbox.findByKey('mid-send')).toMatchObject({ status: 'dropped', dropReason: 'unconfirmed' })
    // A worker that decided on a stale read does not overwrite what another one did.
    expect(await outbox.drop('mid-send', 'no_consent', 'pending')).toBe(false)
    expect(await outbox.reschedule('sent-fine', NOON, 'pending')).toBe(false)
  })
})
