import { Double, Int32, Long, ObjectId } from 'bson'
import { describe, expect, it } from 'vitest'
import { compileExpression } from '../../src/embedded-mongo/aggregate/compiled.ts'
import { evaluateExpression } from '../../src/embedded-mongo/aggregate/expression.ts'

/** Documents with the usual values and the unusual ones the compiled path must hand over. */
const DOCS: Record<string, unknown>[] = [
  { delta: 15, kind: 'earn', createdAt: new Date('2026-03-01T20:30:00Z'), answer: { score: 9 } },
  { delta: -40, kind: 'redeem', createdAt: new Date('2026-03-01T21:30:00Z'), answer: { score: 6 } },
  { delta: -15, kind: 'reversal', createdAt: new Date('2026-10-25T00:30:00Z'), answer: { score: 10 } },
  { delta: 0, kind: 'expiry', createdAt: new Date('2026-03-29T01:30:00Z'), answer: null },
  { kind: 'welcome', createdAt: null },
  { delta: null, kind: 7, createdAt: 'yesterday', answer: [{ score: 3 }, { score: 10 }] },
  { delta: new Double(5), kind: 'earn', createdAt: new Date(0), answer: { score: new Int32(8) } },
  { delta: Long.fromNumber(12), kind: ['earn'], createdAt: new Date(-62_000_000_000_000), answer: {} },
  { delta: Number.NaN, kind: true, createdAt: new Date('2026-03-01T12:00:00Z'), answer: { score: '9' } },
  { _id: new ObjectId(), delta: 3.5, kind: 'earn', createdAt: new Date('2026-03-01T23:59:59.999Z') },
]

/** The report aggregations' expressions (src/db/reports.ts) and their neighbours. */
const EXPRESSIONS: unknown[] = [
  '$delta',
  '$answer.score',
  '$answer.score.value',
  '$_id',
  'plain text',
  7,
  null,
  { $cond: [{ $and: [{ $gt: ['$delta', 0] }, { $ne: ['$kind', 'reversal'] }] }, '$delta', 0] },
  { $cond: [{ $eq: ['$kind', 'redeem'] }, '$delta', 0] },
  { $cond: { if: { $gte: ['$answer.score', 9] }, then: 1, else: 0 } },
  { $cond: [{ $lte: ['$answer.score', 6] }, 1, 0] },
  { $or: [{ $lt: ['$delta', 0] }, { $eq: ['$kind', 'earn'] }] },
  { $eq: ['$createdAt', '$createdAt'] },
  { $gt: ['$createdAt', new Date('2026-03-01T21:00:00Z')] },
  { $dateToString: { format: '%Y-%m-%d', date: '$createdAt', timezone: 'Europe/Moscow' } },
  { $dateToString: { format: '%Y-%m-%d', date: '$createdAt', timezone: 'Europe/Berlin' } },
  { $dateToString: { format: '%Y-%m-%d', date: '$createdAt', timezone: 'America/St_Johns' } },
  { $dateToString: { format: '%Y-%m-%d', date: '$createdAt', timezone: '+05:30' } },
  { $dateToString: { format: '%H:%M', date: '$createdAt', timezone: 'UTC' } },
  { $add: ['$delta', 1] },
]

describe('compiled aggregation expressions', () => {
  it('should give what the general evaluator gives for every expression and document', () => {
    for (const expr of EXPRESSIONS) {
      const compiled = compileExpression(expr)
      for (const doc of DOCS) {
        const run = (evaluate: () => unknown) => {
          try {
            return { value: evaluate() }
          } catch (error) {
            return { error: (error as Error).message }
          }
        }
        const context = JSON.stringify({ expr, doc })
        expect(
          run(() => compiled(doc)),
          context,
        ).toEqual(run(() => evaluateExpression(doc, expr)))
      }
    }
  })

  it('should evaluate expressions with variables the general way', () => {
    const expr = { $cond: [{ $gt: ['$delta', '$$limit'] }, 1, 0] }
    const doc = { delta: 5 }
    expect(compileExpression(expr, { limit: 3 })(doc)).toBe(1)
    expect(compileExpression(expr, { limit: 9 })(doc)).toBe(0)
  })
})
