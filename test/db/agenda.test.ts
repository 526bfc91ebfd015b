import { MongoBackend } from '@agendajs/mongo-backend'
import { Agenda } from 'agenda'
import { MongoClient } from 'mongodb'
import type { Db } from 'mongodb'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb, waitFor } from './support.ts'
import type { TestDb } from './support.ts'

let t: TestDb
const running: Agenda[] = []

beforeAll(async () => {
  t = await openTestDb('agenda')
})
afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.stop().catch(() => undefined)))
})
afterAll(async () => {
  await t.close()
})

function agendaOn(db: Db, name: string, collection: string, lockLifetime = 10_000): Agenda {
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db, collection }),
    name,
    processEvery: 100,
    defaultLockLifetime: lockLifetime,
  })
  agenda.on('error', () => undefined)
  running.push(agenda)
  return agenda
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('Agenda 6 with the mongo backend', () => {
  it('two instances on one database run each due job exactly once', async () => {
    const runs: string[] = []
    const [a, b] = [agendaOn(t.db, 'a', 'once'), agendaOn(t.db, 'b', 'once')]
    for (const agenda of [a, b]) {
      agenda.define('work', async (job) => {
        runs.push(String((job.attrs.data as { n: number }).n))
        await sleep(20)
      })
    }
    await Promise.all([a.start(), b.start()])
    for (let n = 0; n < 12; n++) await a.create('work', { n }).schedule(new Date()).save()
    await waitFor(() => runs.length >= 12, 8_000)
    await sleep(500)
    expect(runs.sort()).toEqual(Array.from({ length: 12 }, (_, n) => String(n)).sort())
  })

  it('runs a job scheduled for later when it is due, not before', async () => {
    const agenda = agendaOn(t.db, 'later', 'later')
    let ranAt = 0
    agenda.define('later-job', async () => {
      ranAt = Date.now()
    })
    await agenda.start()
    const due = Date.now() + 800
    await agenda.schedule(new Date(due), 'later-job', {})
    await sleep(400)
    expect(ranAt).toBe(0)
    await waitFor(() => ranAt > 0, 5_000)
    expect(ranAt).toBeGreaterThanOrEqual(due)
  })

  it('repeats a job with repeatEvery', async () => {
    const agenda = agendaOn(t.db, 'rep', 'repeat')
    let runs = 0
    agenda.define('tick', async () => {
      runs++
    })
    await agenda.start()
    const job = agenda.create('tick', {})
    job.repeatEvery(300)
    await job.save()
    await waitFor(() => runs >= 3, 6_000)
    const stored = await t.db.collection('repeat').findOne({ name: 'tick' })
    expect(stored?.repeatInterval).toBe(300)
    expect(stored?.nextRunAt).toBeInstanceOf(Date)
  })

  it('picks up a job again after the lock of a dead worker expires', async () => {
    const deadClient = await MongoClient.connect(t.uri)
    const dead = agendaOn(deadClient.db(t.dbName), 'dead', 'locks', 600)
    let deadStarted = false
    dead.define(
      'fragile',
      () =>
        new Promise<void>(() => {
          deadStarted = true
        }),
      { lockLifetime: 600 },
    )
    await dead.start()
    await dead.now('fragile', {})
    await waitFor(() => deadStarted, 5_000)
    const locked = await t.db.collection('locks').findOne({ name: 'fragile' })
    expect(locked?.lockedAt).toBeInstanceOf(Date)
    // The worker "dies": it can no longer reach the database and never finishes.
    await deadClient.close(true)

    const rescuer = agendaOn(t.db, 'rescuer', 'locks', 600)
    let rescued = 0
    rescuer.define(
      'fragile',
      async () => {
        rescued++
      },
      { lockLifetime: 600 },
    )
    await rescuer.start()
    await waitFor(() => rescued === 1, 6_000)
    const done = await t.db.collection('locks').findOne({ name: 'fragile' })
    expect(done?.lastFinishedAt).toBeInstanceOf(Date)
  })
})
