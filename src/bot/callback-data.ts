/**
 * A codec for one feature's callback data: `<name>.<version>:<field>:<field>`.
 * Telegram gives buttons at most 64 bytes; a payload that does not decode (forged, or from an older
 * version of the bot) yields undefined, and the feature answers "this button no longer works".
 */
export interface CallbackCodec<T> {
  /** Matches every payload of this feature, whatever its version, so stale ones reach the feature. */
  readonly pattern: RegExp
  encode(value: T): string
  decode(data: string): T | undefined
}

const MAX_CALLBACK_BYTES = 64

/** Defines the codec of a feature; `fields` turns a value into parts and back, returning undefined to refuse. */
export function callbackCodec<T>(
  name: string,
  version: number,
  fields: { encode(value: T): string[]; decode(parts: string[]): T | undefined },
): CallbackCodec<T> {
  const prefix = `${name}.${version}`
  return {
    pattern: new RegExp(`^${name}\\.\\d+(:|$)`),
    encode(value) {
      const parts = fields.encode(value)
      if (parts.some((part) => part.includes(':'))) throw new Error(`callback field contains ':' in ${name}`)
      const data = [prefix, ...parts].join(':')
      if (Buffer.byteLength(data) > MAX_CALLBACK_BYTES) throw new Error(`callback data too long for ${name}`)
      return data
    },
    decode(data) {
      const [head, ...parts] = data.split(':')
      if (head !== prefix) return undefined
      return fields.decode(parts)
    },
  }
}
