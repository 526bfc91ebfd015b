import { describe, expect, it } from 'vitest'
import { mergeReminders, type DueReminder } from '../../src/domain/reminders.ts'

const reminder = (
  customerId: string,
  kind: DueReminder['kind'],
  dueAt: string,
  params = {},
): DueReminder => ({
  customerId,
  kind,
  dueAt: new Date(dueAt),
  params,
})

describe('mergeReminders', () => {
  it('should turn three reminders of one customer on one day into one message', () => {
    const merged = mergeReminders(
      [
        reminder('anna', 'reactivation', '2026-03-10T08:00:00Z'),
        reminder('anna', 'points_expiring', '2026-03-10T06:00:00Z', { points: 120 }),
        reminder('anna', 'near_reward', '2026-03-10T12:00:00Z', { missing: 50 }),
      ],
      'Europe/Moscow',
    )
    expect(merged).toHaveLength(1)
    expect(merged[0]?.day).toBe('2026-03-10')
    expect(merged[0]?.dueAt.toISOString()).toBe('2026-03-10T06:00:00.000Z')
    expect(merged[0]?.reminders.map((item) => item.kind)).toEqual([
      'points_expiring',
      'near_reward',
      'reactivation',
    ])
  })

  it('should group by the local day, not the UTC day', () => {
    const merged = mergeReminders(
      [
        reminder('anna', 'reactivation', '2026-03-09T22:00:00Z'),
        reminder('anna', 'near_reward', '2026-03-10T08:00:00Z'),
      ],
      'Europe/Moscow',
    )
    expect(merged.map((group) => [group.day, group.reminders.length])).toEqual([['2026-03-10', 2]])
  })

  it('should keep customers and days apart and keep the latest of a repeated kind', () => {
    const merged = mergeReminders(
      [
        reminder('boris', 'near_reward', '2026-03-10T09:00:00Z', { missing: 80 }),
        reminder('anna', 'near_reward', '2026-03-10T09:00:00Z', { missing: 90 }),
        reminder('anna', 'near_reward', '2026-03-10T11:00:00Z', { missing: 40 }),
        reminder('anna', 'reactivation', '2026-03-11T09:00:00Z'),
      ],
      'Europe/Moscow',
    )
    expect(merged.map((group) => `${group.customerId} ${group.day} ${group.reminders.length}`)).toEqual([
      'boris 2026-03-10 1',
      'anna 2026-03-10 1',
      'anna 2026-03-11 1',
    ])
    expect(merged[1]?.reminders[0]?.params).toEqual({ missing: 40 })
    expect(merged[1]?.dueAt.toISOString()).toBe('2026-03-10T11:00:00.000Z')
  })

  it('should return nothing for nothing', () => {
    expect(mergeReminders([], 'Europe/Moscow')).toEqual([])
  })
})
