import { describe, expect, it } from 'vitest'
import { parseProgram } from '../../src/config/program.ts'
import { createTestClock, DAY_MS, HOUR_MS } from '../../src/domain/clock.ts'
import { createNpsService } from '../../src/domain/nps-service.ts'
import { createFakeSurveys } from './fakes.ts'

function setup() {
  const clock = createTestClock('2026-03-02T09:00:00Z')
  const surveys = createFakeSurveys()
  const service = createNpsService({ surveys, clock, program: parseProgram({}) })
  const origin = (purchaseId: string) => ({
    customerId: 'anna',
    purchaseId,
    purchaseAt: clock.now(),
    outletId: 'main',
    staffId: '1001',
  })
  const reachable = { optedOut: false, reachable: true }
  return { clock, surveys, service, origin, reachable }
}

describe('NPS service', () => {
  it('should schedule one survey per cooldown period', async () => {
    const { service, clock, origin, reachable } = setup()
    expect(await service.scheduleAfterPurchase(origin('p1'), reachable)).toMatchObject({ id: 'nps:p1' })
    clock.advance(29 * DAY_MS)
    expect(await service.scheduleAfterPurchase(origin('p2'), reachable)).toBeNull()
    clock.advance(DAY_MS)
    expect(await service.scheduleAfterPurchase(origin('p3'), reachable)).toMatchObject({ id: 'nps:p3' })
  })

  it('should not schedule for a customer who opted out', async () => {
    const { service, origin, surveys } = setup()
    expect(await service.scheduleAfterPurchase(origin('p1'), { optedOut: true, reachable: true })).toBeNull()
    expect(surveys.rows.size).toBe(0)
  })

  it('should keep the first score whatever is tapped twice', async () => {
    const { service, origin, reachable, clock } = setup()
    await service.scheduleAfterPurchase(origin('p1'), reachable)
    clock.advance(3 * HOUR_MS)
    const [first, second] = await Promise.all([
      service.answer('nps:p1', 'anna', '3'),
      service.answer('nps:p1', 'anna', '10'),
    ])
    const recorded = [first, second].filter((outcome) => outcome.recorded)
    expect(recorded).toHaveLength(1)
    expect(first.survey.answer?.score).toBe(second.survey.answer?.score)
    const late = await service.answer('nps:p1', 'anna', '10')
    expect(late).toMatchObject({ recorded: false, category: recorded[0]?.category })
  })

  it('should ask why in the words of the category and store the comment once', async () => {
    const { service, origin, reachable } = setup()
    await service.scheduleAfterPurchase(origin('p1'), reachable)
    const outcome = await service.answer('nps:p1', 'anna', 4)
    expect(outcome).toMatchObject({
      category: 'detractor',
      followUpKey: 'nps.follow_up.detractor',
      recorded: true,
    })
    await service.comment('nps:p1', 'anna', '  Cold coffee  ')
    const stored = await service.comment('nps:p1', 'anna', 'second thoughts')
    expect(stored?.answer?.comment).toBe('Cold coffee')
  })

  it('should refuse forged scores, foreign surveys and expired ones', async () => {
    const { service, origin, reachable, clock } = setup()
    await service.scheduleAfterPurchase(origin('p1'), reachable)
    await expect(service.answer('nps:p1', 'anna', '11')).rejects.toMatchObject({ code: 'NPS.INVALID_SCORE' })
    await expect(service.answer('nps:p1', 'boris', '9')).rejects.toMatchObject({
      code: 'NPS.SURVEY_NOT_FOUND',
    })
    clock.advance(74 * HOUR_MS)
    await expect(service.answer('nps:p1', 'anna', '9')).rejects.toMatchObject({ code: 'NPS.SURVEY_EXPIRED' })
  })
})
