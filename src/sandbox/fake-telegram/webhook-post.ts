/**
 * One webhook delivery attempt: POST the update as JSON, with the secret header when set.
 */

/** Outcome of a webhook POST. */
export interface WebhookAttempt {
  status: number
  /** Response body (a webhook reply may carry a method call). */
  body: string
  /** Telegram's last_error_message wording when the attempt failed. */
  error?: string
}

/** POSTs `update` to `url`, failing after `timeoutMs`. */
export async function postUpdate(
  url: string,
  update: unknown,
  secretToken: string | undefined,
  timeoutMs: number,
): Promise<WebhookAttempt> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (secretToken) headers['x-telegram-bot-api-secret-token'] = secretToken
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(update),
      signal: AbortSignal.timeout(timeoutMs),
    })
    const body = await res.text()
    return res.ok
      ? { status: res.status, body }
      : {
          status: res.status,
          body,
          error: `Wrong response from the webhook: ${res.status} ${res.statusText}`,
        }
  } catch (e) {
    return {
      status: 0,
      body: '',
      error: (e as Error).name === 'TimeoutError' ? 'Read timeout expired' : 'Connection refused',
    }
  }
}

/** The method call carried in a webhook answer body, if any. */
export function webhookReplyOf(body: string): Record<string, unknown> | null {
  if (!body.trim().startsWith('{')) return null
  try {
    const payload = JSON.parse(body) as Record<string, unknown>
    return typeof payload.method === 'string' ? payload : null
  } catch {
    return null
  }
}
