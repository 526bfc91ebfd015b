/** An inline button that opens a web page: the label as the owner wrote it and an http(s) address. */
export interface LinkButton {
  readonly label: string
  readonly url: string
}

/** Longest label accepted: longer ones are cut off on a phone screen. */
export const LINK_LABEL_MAX = 40

/** Longest address accepted (Telegram has no published limit; longer ones are not typed by hand). */
export const LINK_URL_MAX = 1024

/** Why a typed button was refused: no `label | address` shape, a label too long, or not a web address. */
export type LinkButtonError = 'format' | 'label_length' | 'url'

/** The button, or why it was refused. */
export type LinkButtonResult = { ok: true; button: LinkButton } | { ok: false; error: LinkButtonError }

/**
 * True for an address Telegram accepts on a URL button and a customer can open: http or https,
 * a host name with a dot and a top-level domain (an internationalised one is sent as punycode),
 * no user name or password.
 */
function isWebAddress(url: URL): boolean {
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    /^([a-z0-9-]+\.)+([a-z]{2,}|xn--[a-z0-9-]+)$/.test(url.hostname)
  )
}

/**
 * Reads a button typed as `label | https://address` (the first `|` separates them; spaces around
 * are ignored). The address is returned normalised (`https://кофе.рф` becomes punycode).
 */
export function parseLinkButton(input: string): LinkButtonResult {
  const bar = input.indexOf('|')
  if (bar < 0) return { ok: false, error: 'format' }
  const label = input.slice(0, bar).trim()
  const address = input.slice(bar + 1).trim()
  if (label === '' || address === '') return { ok: false, error: 'format' }
  if ([...label].length > LINK_LABEL_MAX) return { ok: false, error: 'label_length' }
  if (address.length > LINK_URL_MAX || /\s/.test(address) || !URL.canParse(address))
    return { ok: false, error: 'url' }
  const url = new URL(address)
  if (!isWebAddress(url)) return { ok: false, error: 'url' }
  return { ok: true, button: { label, url: url.href } }
}
