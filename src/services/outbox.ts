import { randomUUID } from 'node:crypto'
import type { i18n } from 'i18next'
import type { CustomerRepository } from '../db/customers.ts'
import {
  UNCONFIRMED,
  type NewOutboxMessage,
  type OutboxMessage,
  type OutboxPayload,
  type OutboxRepository,
} from '../db/outbox.ts'
import type { Clock } from '../domain/clock.ts'
import { DAY_MS } from '../domain/clock.ts'
import {
  CAP_WINDOW_MS,
  decideDelivery,
  isCategoryEnabled,
  isPromotional,
  type MessageCategory,
} from '../domain/messaging-policy.ts'
import type { Program } from '../domain/program.ts'
import { formatDate } from '../bot/i18n/format.ts'
import { languageOf, type Language } from '../bot/i18n/index.ts'

/** An inline button the outbox sends: a callback one, or one opening a web page. */
export type OutboxInlineButton = { text: string; callback_data: string } | { text: string; url: string }

/** Inline keyboard of a sent message, when it has buttons. */
type OutboxMarkup = { reply_markup?: { inline_keyboard: OutboxInlineButton[][] } }

/** The part of the bot's api the outbox uses: already paced per chat and overall, 429 retried. */
export interface OutboxSender {
  sendMessage(chatId: number, text: string, other?: OutboxMarkup): Promise<{ message_id: number }>
  /** `photo` is a file_id Telegram already has. */
  sendPhoto(
    chatId: number,
    photo: string,
    other?: OutboxMarkup & { caption?: string },
  ): Promise<{ message_id: number }>
}

/**
 * The bot's api is made after the services (the bot needs them); the outbox gets this holder and
 * the composition root binds the api once the bot exists. Sending before that is a programming error.
 */
export interface LateSender extends OutboxSender {
  bind(sender: OutboxSender): void
}

/** A {@link LateSender}: forwards to the api bound later. */
export function createLateSender(): LateSender {
  let bound: OutboxSender | undefined
  return {
    bind(sender) {
      bound = sender
    },
    sendMessage(chatId, text, other) {
      if (!bound) throw new Error('the outbox sent before the bot was ready')
      return bound.sendMessage(chatId, text, other)
    },
    sendPhoto(chatId, photo, other) {
      if (!bound) throw new Error('the outbox sent before the bot was ready')
      return bound.sendPhoto(chatId, photo, other)
    },
  }
}

export interface OutboxDeps {
  outbox: OutboxRepository
  customers: CustomerRepository
  clock: Clock
  program: Program
  i18n: i18n
  sender: OutboxSender
  logger: { warn(obj: object, msg: string): void }
}

/** A message to queue for one customer. */
export interface EnqueueRequest {
  readonly customerId: string
  readonly category: MessageCategory
  /** Idempotency key: the same key is queued and sent once, whoever asks and how often. */
  readonly key: string
  readonly payload: OutboxPayload
  /**
   * Counts against the 30-day cap once sent. Defaults to the policy's promotional categories;
   * a greeting with a bonus passes true (it counts, but the cap does not stop it).
   */
  readonly promotional?: boolean
  readonly tags?: readonly string[]
  /** Not before this instant; default now. */
  readonly dueAt?: Date
  /** Not at or after this instant (dropped as `expired`, e.g. a survey nobody may answer any more). */
  readonly expiresAt?: Date
}

/** What became of a message, for the feature that queued it (e.g. the survey remembers its message). */
export type OutboxOutcome =
  | { readonly kind: 'sent'; readonly chatId: number; readonly messageId: number; readonly at: Date }
  | { readonly kind: 'deferred'; readonly until: Date }
  | { readonly kind: 'dropped'; readonly reason: string }

/** Told about every outcome of the messages of one category; a failure is logged, not rethrown. */
export type OutboxObserver = (message: OutboxMessage, outcome: OutboxOutcome) => Promise<void>

/** What one dispatch run did, for logs and tests. */
export interface DispatchReport {
  sent: number
  deferred: number
  dropped: number
}

/** Due messages read at a time; a run reads again until nothing is due. */
const DISPATCH_BATCH = 200
/**
 * Messages on their way at once. One at a time, the database round-trips of each message (claim,
 * customer, cap) kept the bot far under Telegram's 30 messages/s; with a few dozen in flight the
 * bot's throttler, not the database, sets the pace.
 */
const DISPATCH_IN_FLIGHT = 32
/** Tries to mark a message sent after Telegram took it (see markSentPersistently). */
const MARK_ATTEMPTS = 3
/** Messages queued per round-trip by `enqueueMany`. */
const ENQUEUE_CHUNK = 500
/** Minutes before a message whose send failed (network, Telegram trouble) is tried again. */
const RETRY_MINUTES = 10
/**
 * A message still being sent after this long lost its worker (a crash between the send and the
 * mark): longer than any send takes with its retries, so a live worker is never overtaken.
 */
const SENDING_LEASE_MINUTES = 30
/** A message that keeps failing is given up after this long past its due time. */
const GIVE_UP_DAYS = 2

/** Values of a part as shown: ISO instants under `...Date` keys become local dates. */
function localVars(vars: Readonly<Record<string, string | number>>, lang: Language, timeZone: string) {
  return Object.fromEntries(
    Object.entries(vars).map(([key, value]) => [
      key,
      key.endsWith('Date') && typeof value === 'string' ? formatDate(new Date(value), lang, timeZone) : value,
    ]),
  )
}

/** True for Telegram's 403: the user blocked the bot or deleted their account. */
function isBlocked(error: unknown): boolean {
  return (error as { error_code?: unknown } | null)?.error_code === 403
}

/**
 * Runs `work` for every message, at most `inFlight` at once; messages of one customer one after
 * another, in the given order. Every message is handled even when one fails; then the first
 * failure is thrown.
 */
async function eachCustomerInParallel(
  messages: readonly OutboxMessage[],
  inFlight: number,
  work: (message: OutboxMessage) => Promise<void>,
): Promise<void> {
  const byCustomer = new Map<string, OutboxMessage[]>()
  for (const message of messages) {
    const queue = byCustomer.get(message.customerId)
    if (queue) queue.push(message)
    else byCustomer.set(message.customerId, [message])
  }
  const queues = [...byCustomer.values()]
  const failures: unknown[] = []
  const worker = async () => {
    for (let queue = queues.shift(); queue; queue = queues.shift()) {
      for (const message of queue) await work(message).catch((error: unknown) => failures.push(error))
    }
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, queues.length) }, worker))
  if (failures.length > 0) throw failures[0]
}

/** The statuses a worker moves a message out of: waiting, or claimed by itself for the send. */
type Claimable = 'pending' | 'sending'

/**
 * The one way every non-transactional message leaves the bot. `enqueue` stores it under its
 * idempotency key; `dispatchDue` (the `outbox-dispatch` job) decides with the messaging policy
 * (consent, 30-day promotional cap, quiet hours: deferred to their end), claims the message with a
 * compare-and-set right before sending it through the bot's paced api, and marks it sent. A 403
 * marks the customer unreachable, so nothing more is sent to them. A message past its `expiresAt`
 * is dropped unsent. The feature behind a category may `observe` what became of its messages.
 *
 * At most once: a worker killed between the send and the mark leaves the message `sending`, and
 * nobody can tell whether Telegram got it. It is given up as `unconfirmed`, never sent again: a
 * promotion or a greeting twice costs the customer's trust (and a place under the cap), one missed
 * copy costs little. Only the messages in flight at the crash are at stake (at most
 * {@link DISPATCH_IN_FLIGHT} per worker).
 */
export function createOutboxService(deps: OutboxDeps) {
  const { outbox, customers, clock, program } = deps
  const observers = new Map<MessageCategory, OutboxObserver>()
  /** Set by `stop()`: a dispatch run finishes the sends in flight and takes no more. */
  let stopping = false
  /**
   * Messages Telegram took whose "sent" mark the database missed (it was away): this process knows
   * they went out, so the next dispatch marks them instead of leaving them to the lease.
   */
  /** Claims whose answer the database never gave (it went away), by message id: their tokens. */
  const unanswered = new Map<string, string>()
  const unmarked = new Map<string, { message: OutboxMessage; chatId: number; messageId: number; at: Date }>()

  async function report(message: OutboxMessage, outcome: OutboxOutcome): Promise<void> {
    await observers
      .get(message.category)?.(message, outcome)
      .catch((error: unknown) =>
        deps.logger.warn({ err: error, key: message.key }, 'an outbox observer failed'),
      )
  }

  /** Drops a message still in status `from`; null when another worker got to it first. */
  async function drop(message: OutboxMessage, reason: string, from: Claimable): Promise<'dropped' | null> {
    if (!(await outbox.drop(message.id, reason, from))) return null
    await report(message, { kind: 'dropped', reason })
    return 'dropped'
  }

  /** Makes a message still in status `from` wait until `until`; null when another worker got to it first. */
  async function defer(message: OutboxMessage, until: Date, from: Claimable): Promise<'deferred' | null> {
    if (!(await outbox.reschedule(message.id, until, from))) return null
    await report(message, { kind: 'deferred', until })
    return 'deferred'
  }

  async function deliver(message: OutboxMessage, now: Date): Promise<keyof DispatchReport | null> {
    // Decide first, claim last: a message is `sending` only around the send itself, so a crash
    // anywhere else leaves it pending for the next run.
    if (message.expiresAt !== null && now.getTime() >= message.expiresAt.getTime())
      return drop(message, 'expired', 'pending')
    const customer = await customers.get(message.customerId)
    if (customer === null || customer.erasedAt !== null || customer.chatId === null)
      return drop(message, 'unreachable', 'pending')
    const capped = isPromotional(message.category)
    const windowStart = new Date(now.getTime() - CAP_WINDOW_MS)
    const sentInWindow = capped ? await outbox.countPromotionalSentSince(customer.id, windowStart) : 0
    const oldest =
      sentInWindow >= program.messaging.promoCapPer30Days
        ? await outbox.oldestPromotionalSentSince(customer.id, windowStart)
        : null
    const decision = decideDelivery(
      {
        category: message.category,
        consents: {
          topics: customer.consents,
          holidays: Object.fromEntries(customer.holidayOptOuts.map((id) => [id, false])),
        },
        reachable: customer.reachable,
        enabledByProgram: isCategoryEnabled(message.category, program),
        promotionalSentLast30Days: sentInWindow,
        ...(oldest ? { oldestPromotionalSentAt: oldest } : {}),
        now,
      },
      program.messaging,
      program.timeZone,
    )
    if (decision.action === 'drop') return drop(message, decision.reason, 'pending')
    if (decision.action === 'defer') return defer(message, decision.until, 'pending')
    const lang = languageOf(customer.language)
    const t = deps.i18n.getFixedT(lang)
    const { parts, buttons, buttonRows, links, photo } = message.payload
    const text = parts
      .map((part) =>
        t(part.key, {
          ...localVars(part.vars ?? {}, lang, program.timeZone),
          name: customer.name,
          shop: program.shopName,
        }),
      )
      .join('\n\n')
    const rows: OutboxInlineButton[][] = [
      ...[buttons ?? [], ...(buttonRows ?? [])].map((row) =>
        row.map((button) => ({ text: t(button.labelKey), callback_data: button.data })),
      ),
      ...(links ?? []).map((link) => [{ text: link.label, url: link.url }]),
    ].filter((row) => row.length > 0)
    const markup = rows.length > 0 ? { reply_markup: { inline_keyboard: rows } } : {}
    const token = randomUUID()
    let claimed: boolean
    try {
      claimed = await outbox.claim(message.id, now, token)
    } catch (error) {
      // The claim may have landed without its answer: nothing was sent, so the next run gives it back.
      unanswered.set(message.id, token)
      throw error
    }
    if (!claimed) return null
    let sent: { message_id: number }
    try {
      sent = photo
        ? await deps.sender.sendPhoto(customer.chatId, photo, { caption: text, ...markup })
        : await deps.sender.sendMessage(customer.chatId, text, markup)
    } catch (error) {
      if (isBlocked(error)) {
        await customers.setReachable(customer.id, false)
        return drop(message, 'unreachable', 'sending')
      }
      if (now.getTime() - message.dueAt.getTime() > GIVE_UP_DAYS * DAY_MS)
        return drop(message, 'failed', 'sending')
      deps.logger.warn({ err: error, key: message.key }, 'an outbox message could not be sent; trying later')
      return defer(message, new Date(now.getTime() + RETRY_MINUTES * 60_000), 'sending')
    }
    // Telegram has it: from here on it must never go out again, whatever the database does.
    const delivered = { message, chatId: customer.chatId, messageId: sent.message_id, at: clock.now() }
    if (!(await markSentPersistently(message, delivered.at, delivered.messageId))) {
      unmarked.set(message.id, delivered)
      return null
    }
    await report(message, {
      kind: 'sent',
      chatId: delivered.chatId,
      messageId: delivered.messageId,
      at: delivered.at,
    })
    return 'sent'
  }

  /**
   * Settles what an outage left in doubt in this process: claims whose answer was lost are given
   * back (nothing was sent under them), and messages sent whose mark was missed are marked.
   */
  async function settleInDoubt(): Promise<void> {
    for (const [id, token] of unanswered) {
      await outbox.releaseClaim(id, token)
      unanswered.delete(id)
    }
    for (const [id, { message, chatId, messageId, at }] of unmarked) {
      await outbox.markSent(id, at, messageId)
      unmarked.delete(id)
      await report(message, { kind: 'sent', chatId, messageId, at })
    }
  }

  /**
   * Marks a message Telegram took as sent, trying {@link MARK_ATTEMPTS} times (each waits for the
   * database as long as the driver's server selection does). Never undone into a retry: a mark the
   * database missed leaves the message `sending`, so an outage between the send and the mark cannot
   * send it twice; the next dispatch of this process marks it (a process that died leaves it to the
   * lease, given up as unconfirmed). False when the mark did not land.
   */
  async function markSentPersistently(message: OutboxMessage, at: Date, messageId: number): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await outbox.markSent(message.id, at, messageId)
        return true
      } catch (error) {
        if (attempt >= MARK_ATTEMPTS) {
          deps.logger.warn({ err: error, key: message.key }, 'an outbox message was sent but not marked')
          return false
        }
      }
    }
  }

  /** Gives up (reported to the observers) the messages claimed before `claimedBefore` and still mid-send. */
  async function abandonUnconfirmed(claimedBefore: Date): Promise<number> {
    let abandoned = 0
    for (const message of await outbox.sendingClaimedBefore(claimedBefore)) {
      if (await drop(message, UNCONFIRMED, 'sending')) abandoned += 1
    }
    return abandoned
  }

  function messageOf(request: EnqueueRequest, now: Date): NewOutboxMessage {
    return {
      key: request.key,
      customerId: request.customerId,
      category: request.category,
      promotional: request.promotional ?? isPromotional(request.category),
      tags: request.tags ?? [],
      payload: request.payload,
      dueAt: request.dueAt ?? now,
      ...(request.expiresAt ? { expiresAt: request.expiresAt } : {}),
      createdAt: now,
    }
  }

  return {
    /** Queues a message once per key; false when the key was already queued (or sent). */
    async enqueue(request: EnqueueRequest): Promise<boolean> {
      return outbox.add(messageOf(request, clock.now()))
    },

    /**
     * Queues many messages at once (a broadcast), each once per key, in one round-trip per
     * {@link ENQUEUE_CHUNK}; returns how many were new.
     */
    async enqueueMany(requests: readonly EnqueueRequest[]): Promise<number> {
      const now = clock.now()
      let added = 0
      for (let i = 0; i < requests.length; i += ENQUEUE_CHUNK) {
        added += await outbox.addMany(requests.slice(i, i + ENQUEUE_CHUNK).map((r) => messageOf(r, now)))
      }
      return added
    },

    /**
     * Sends (or defers, or drops) every message due, reading again until nothing is due, so a
     * broadcast keeps Telegram's pace instead of waiting for the next run; safe to run on several
     * workers at once. Messages of different customers travel together; one customer's go in order
     * (their promotional cap is counted one message at a time). `keepAlive` runs after each batch
     * (the job extends its lock there).
     */
    async dispatchDue(options: { keepAlive?: () => Promise<void> } = {}): Promise<DispatchReport> {
      const report: DispatchReport = { sent: 0, deferred: 0, dropped: 0 }
      const start = clock.now()
      await settleInDoubt()
      await abandonUnconfirmed(new Date(start.getTime() - SENDING_LEASE_MINUTES * 60_000))
      for (;;) {
        const now = clock.now()
        const due = stopping ? [] : await outbox.due(now, DISPATCH_BATCH)
        if (due.length === 0) return report
        await eachCustomerInParallel(due, DISPATCH_IN_FLIGHT, async (message) => {
          if (stopping) return
          const outcome = await deliver(message, now)
          if (outcome) report[outcome] += 1
        })
        await options.keepAlive?.()
      }
    },

    /**
     * For a graceful shutdown: a running dispatch finishes the messages it is sending and leaves
     * the rest pending for the next start, so none is caught between the send and its mark.
     */
    stop(): void {
      stopping = true
    },

    /**
     * Tells `observer` what becomes of every message of `category`: sent (with its chat and message
     * id), deferred (quiet hours, a failed send) or dropped (with the reason). One per category.
     */
    observe(category: MessageCategory, observer: OutboxObserver): void {
      observers.set(category, observer)
    },

    /**
     * Gives up the messages a dead worker left mid-send (claimed before `claimedBefore`): at most
     * once, never twice. The only instance calls it with its start instant (see startApp).
     */
    abandonUnconfirmed,

    /** The stored message of a key, for idempotency checks and tests. */
    find(key: string): Promise<OutboxMessage | null> {
      return outbox.findByKey(key)
    },

    /** Messages of the customer carrying `tag`, queued or sent (not dropped). */
    withTag(customerId: string, tag: string): Promise<OutboxMessage[]> {
      return outbox.withTag(customerId, tag)
    },

    /**
     * Withdraws every message carrying `tag` that is still waiting; one being sent right now (or
     * already sent) is not affected. A worker that listed it as due can no longer claim it.
     */
    dropPending(tag: string, reason: string): Promise<number> {
      return outbox.dropPendingTagged(tag, reason)
    },
  }
}

/** The service made by {@link createOutboxService}. */
export type OutboxService = ReturnType<typeof createOutboxService>
