import { localDate, localDateKey } from './calendar.ts'

/** A nudge the jobs may send; several due the same day for one customer become one message. */
export type ReminderKind =
  'points_expiring' | 'near_reward' | 'near_points_reward' | 'reactivation' | 'unfinished_join'

/** Most important first: the order of sections inside a merged message. */
export const REMINDER_PRIORITY: readonly ReminderKind[] = [
  'points_expiring',
  'near_reward',
  'near_points_reward',
  'reactivation',
  'unfinished_join',
]

/** One reminder that fell due, with the numbers its text needs (points, dates as ISO strings). */
export interface DueReminder {
  readonly customerId: string
  readonly kind: ReminderKind
  readonly dueAt: Date
  readonly params: Readonly<Record<string, string | number>>
}

/** What goes out as a single message (category 'reminder': one unit of the promotional cap). */
export interface MergedReminder {
  readonly customerId: string
  /** The customer's local day, "YYYY-MM-DD" in the program time zone. */
  readonly day: string
  /** The earliest `dueAt` of the group: when the merged message is due. */
  readonly dueAt: Date
  /** One per kind (the latest due wins), most important first. */
  readonly reminders: readonly DueReminder[]
}

/**
 * Groups reminders by customer and local day (program time zone) so a customer gets one message
 * a day, not three. Output is ordered by due time, then customer id.
 */
export function mergeReminders(reminders: Iterable<DueReminder>, timeZone: string): MergedReminder[] {
  const groups = new Map<
    string,
    { customerId: string; day: string; byKind: Map<ReminderKind, DueReminder> }
  >()
  for (const reminder of reminders) {
    const day = localDateKey(localDate(reminder.dueAt, timeZone))
    const key = `${reminder.customerId}\u0000${day}`
    const group = groups.get(key) ?? { customerId: reminder.customerId, day, byKind: new Map() }
    groups.set(key, group)
    const previous = group.byKind.get(reminder.kind)
    if (!previous || previous.dueAt.getTime() <= reminder.dueAt.getTime())
      group.byKind.set(reminder.kind, reminder)
  }
  const merged = [...groups.values()].map(({ customerId, day, byKind }) => {
    const list = [...byKind.values()].sort(
      (a, b) => REMINDER_PRIORITY.indexOf(a.kind) - REMINDER_PRIORITY.indexOf(b.kind),
    )
    const dueAt = new Date(Math.min(...list.map((reminder) => reminder.dueAt.getTime())))
    return { customerId, day, dueAt, reminders: list }
  })
  return merged.sort(
    (a, b) =>
      a.dueAt.getTime() - b.dueAt.getTime() ||
      (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0),
  )
}
