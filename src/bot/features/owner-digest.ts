import type { Api } from 'grammy'
import type { i18n } from 'i18next'
import { localDate, localDateKey } from '../../domain/calendar.ts'
import type { Clock } from '../../domain/clock.ts'
import type { Program } from '../../domain/program.ts'
import type { DigestDeliveries } from '../../db/reports-deliveries.ts'
import type { Services } from '../../services.ts'
import { languageOf } from '../i18n/index.ts'
import { CAPTION_MAX, chartPhoto, digestKeyboard, digestText, isEmptyChart } from './owner-stats-views.ts'

/** What sending the digest needs. */
export interface DigestDeps {
  api: Api
  i18n: i18n
  program: Program
  services: Services
  ownerIds: ReadonlySet<number>
  deliveries: DigestDeliveries
  clock: Clock
  logger: { warn(obj: object, msg: string): void }
}

/**
 * Sends today's digest (about yesterday) to every owner who has not had it yet: each owner's day
 * is claimed first (compare-and-set), so two workers, a repeated run or a restart send it once.
 * One message: the chart with the text as its caption; a text too long for a caption, or a
 * quiet month with nothing to draw, goes as a text message. A failed send gives the day back, so
 * the next run (a second worker, a manual run) may try again. Returns the owners it was sent to.
 */
export async function sendDailyDigests(deps: DigestDeps): Promise<number[]> {
  const now = deps.clock.now()
  const day = localDateKey(localDate(now, deps.program.timeZone))
  const digest = await deps.services.reports.digest(now)
  const sent: number[] = []
  for (const ownerId of deps.ownerIds) {
    if (!(await deps.deliveries.claim(ownerId, day, now))) continue
    const record = await deps.services.customers.findByTelegramId(ownerId)
    const lang = languageOf(record?.language)
    const t = deps.i18n.getFixedT(lang)
    const text = digestText(t, lang, deps.program, digest)
    const keyboard = digestKeyboard(t, digest)
    const extra = keyboard ? { reply_markup: keyboard } : {}
    try {
      if (text.length <= CAPTION_MAX && !isEmptyChart(digest.chart)) {
        await deps.api.sendPhoto(ownerId, chartPhoto(t, lang, deps.program, digest.chart), {
          caption: text,
          ...extra,
        })
      } else {
        await deps.api.sendMessage(ownerId, text, extra)
        if (!isEmptyChart(digest.chart))
          await deps.api.sendPhoto(ownerId, chartPhoto(t, lang, deps.program, digest.chart))
      }
      await deps.deliveries.markSent(ownerId, day, deps.clock.now())
      sent.push(ownerId)
    } catch (error) {
      deps.logger.warn({ err: error, ownerId }, 'could not send the daily digest')
      await deps.deliveries.release(ownerId, day)
    }
  }
  return sent
}
