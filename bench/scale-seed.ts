/**
 * Seeds a large program straight through the driver, in the shapes the repositories store
 * (src/db/customers.ts, purchases.ts, ledger.ts, surveys.ts, feedback.ts): every customer joined
 * within the last year with a welcome bonus, four purchases (each earning points, two paid partly
 * with points), a birthday bonus, a gift and an expiry: ten ledger entries, the cached balance equal
 * to their sum. Four customers in five were asked for NPS after their first purchase, three in four
 * of those answered; detractors left comments nobody answered yet.
 *
 * Run in its own process (`tsx bench/scale-seed.ts <mongodb-uri> <db> <customers>`) so the bot's
 * memory figures do not include the generated documents.
 */
import { createHash } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { MongoClient, ObjectId, type Db } from 'mongodb'

const DAY_MS = 86_400_000
/** Customers generated and inserted per round. */
const CHUNK = 1_000
const OUTLETS = ['park', 'center']

/** A small deterministic generator (mulberry32), so every run seeds the same program. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Batch {
  customers: object[]
  purchases: object[]
  ledger: { customerId: string; createdAt: Date; delta: number; seq?: number }[]
  balances: object[]
  surveys: object[]
  feedback: object[]
}

/** The documents of customers [from, to). */
function generate(from: number, to: number, now: number, next: () => number): Batch {
  const batch: Batch = { customers: [], purchases: [], ledger: [], balances: [], surveys: [], feedback: [] }
  const between = (start: number, end: number) => new Date(start + Math.floor(next() * (end - start)))
  for (let i = from; i < to; i++) {
    const _id = new ObjectId()
    const customerId = _id.toHexString()
    const joinedAt = between(now - 365 * DAY_MS, now - DAY_MS)
    const code = i.toString(36).padStart(6, '0')
    batch.customers.push({
      _id,
      telegramId: 5_000_000_000 + i,
      chatId: 5_000_000_000 + i,
      name: `Гость ${i}`,
      phone: i % 3 === 0 ? `+7900${String(i).padStart(7, '0')}` : null,
      birthday: i % 2 === 0 ? { day: 1 + (i % 28), month: 1 + (i % 12), year: null } : null,
      birthdayChangedAt: null,
      language: i % 10 === 0 ? 'en' : 'ru',
      consents: { nps: true, birthday: true, holidays: true, promotions: i % 7 !== 0, reminders: true },
      holidayOptOuts: [],
      referralCode: `ref${code}`,
      invitedBy: null,
      cardToken: `card-token-${code}-${createHash('sha1').update(code).digest('hex').slice(0, 16)}`,
      manualCode: `m${code}`,
      tierId: 'bronze',
      tierChangedAt: null,
      stampCard: { stamps: i % 6, rewardsAvailable: 0 },
      rulesAcceptedAt: joinedAt,
      joinedAt,
      reachable: true,
      erasedAt: null,
      createdAt: joinedAt,
      updatedAt: joinedAt,
    })
    const entry = (kind: string, delta: number, createdAt: Date, extra: Record<string, unknown> = {}) => {
      batch.ledger.push({
        _id: new ObjectId(),
        customerId,
        delta,
        kind,
        reason: kind,
        actor: { role: kind === 'earn' || kind === 'redeem' ? 'staff' : 'system', id: 'bench' },
        outletId: (extra.outletId as string | undefined) ?? null,
        createdAt,
        idempotencyKey: `bench:${kind}:${customerId}:${batch.ledger.length}`,
        ...extra,
      } as Batch['ledger'][number])
    }
    entry('welcome', 100, joinedAt)
    const times = Array.from({ length: 4 }, () => between(joinedAt.getTime(), now)).sort(
      (a, b) => a.getTime() - b.getTime(),
    )
    times.forEach((createdAt, k) => {
      const purchaseId = `bench-${i}-${k}`
      const outletId = OUTLETS[(i + k) % OUTLETS.length]!
      const amount = 20_000 + Math.floor(next() * 180_000)
      const redeemed = k % 2 === 1 ? 50 : 0
      const paid = amount - redeemed * 100
      const earned = Math.floor((paid * 3) / 10_000)
      batch.purchases.push({
        _id: purchaseId,
        customerId,
        amount,
        discountBp: 0,
        discount: 0,
        redeemed,
        paid,
        earned,
        stamps: 1,
        outletId,
        actor: { role: 'staff', id: 'bench' },
        createdAt,
        voidedAt: null,
      })
      if (redeemed > 0) entry('redeem', -redeemed, createdAt, { purchaseId, outletId })
      entry('earn', earned, createdAt, { purchaseId, outletId })
    })
    entry('birthday', 200, between(joinedAt.getTime(), now))
    entry('gift', 50, between(joinedAt.getTime(), now))
    entry('expiry', -30, between(joinedAt.getTime(), now))
    const own = batch.ledger.slice(-10).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    own.forEach((doc, k) => (doc.seq = k + 1))
    batch.balances.push({ _id: customerId, balance: own.reduce((sum, doc) => sum + doc.delta, 0), seq: 10 })

    if (i % 5 === 0) continue
    const surveyId = `nps:bench-${i}-0`
    const sentAt = new Date(times[0]!.getTime() + 2 * 3_600_000)
    const answered = i % 4 !== 0 && sentAt.getTime() < now
    const score = Math.floor(next() * 11)
    const comment = answered && score <= 6 && i % 3 === 0 ? `Отзыв ${i}: кофе остыл` : null
    batch.surveys.push({
      _id: surveyId,
      ref: createHash('sha256').update(surveyId).digest('hex').slice(0, 20),
      customerId,
      purchaseId: `bench-${i}-0`,
      outletId: OUTLETS[i % OUTLETS.length]!,
      staffId: null,
      touchpoint: 'purchase',
      createdAt: times[0],
      sendAt: sentAt,
      expiresAt: new Date(sentAt.getTime() + 3 * DAY_MS),
      answer: answered ? { score, answeredAt: new Date(sentAt.getTime() + 600_000), comment } : null,
      delivery: {
        status: answered ? 'closed' : 'sent',
        attempts: 1,
        chatId: 5_000_000_000 + i,
        messageId: 1,
        sentAt,
        deferredUntil: null,
        dropReason: null,
      },
    })
    if (comment !== null) {
      batch.feedback.push({
        _id: createHash('sha256').update(surveyId).digest('hex').slice(0, 20),
        surveyId,
        customerId,
        score,
        comment,
        awaitingComment: false,
        outletId: OUTLETS[i % OUTLETS.length]!,
        staffId: null,
        createdAt: new Date(sentAt.getTime() + 600_000),
        alerts: [],
        handledBy: null,
        handledAt: null,
        reply: null,
        customerAnswer: null,
        customerAnsweredAt: null,
      })
    }
  }
  return batch
}

/** What was seeded, per collection. */
export type SeedCounts = Record<keyof Batch, number>

/** Seeds `customers` customers (ten ledger entries each) into `db`. */
export async function seedProgram(db: Db, customers: number, now = Date.now()): Promise<SeedCounts> {
  const next = random(20_261_123)
  const counts: SeedCounts = { customers: 0, purchases: 0, ledger: 0, balances: 0, surveys: 0, feedback: 0 }
  const collections: Record<keyof Batch, string> = {
    customers: 'customers',
    purchases: 'purchases',
    ledger: 'ledger_entries',
    balances: 'ledger_balances',
    surveys: 'nps_surveys',
    feedback: 'nps_feedback',
  }
  for (let from = 0; from < customers; from += CHUNK) {
    const batch = generate(from, Math.min(customers, from + CHUNK), now, next)
    for (const key of Object.keys(collections) as (keyof Batch)[]) {
      const docs = batch[key]
      if (docs.length === 0) continue
      await db.collection(collections[key]).insertMany(docs, { ordered: false })
      counts[key] += docs.length
    }
    if ((from + CHUNK) % 10_000 === 0) process.stderr.write(`seeded ${from + CHUNK} customers\n`)
  }
  return counts
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [uri, dbName, customers] = process.argv.slice(2)
  // A large insert keeps the single-threaded server busy for a while: be patient with its answers.
  const client = await MongoClient.connect(uri!, { connectTimeoutMS: 600_000, socketTimeoutMS: 0 })
  const counts = await seedProgram(client.db(dbName), Number(customers))
  await client.close()
  process.stdout.write(JSON.stringify(counts) + '\n')
}
