/** A minimal raw-socket MongoDB wire protocol client for protocol-level tests. */
import net from 'node:net'
import { deserialize, serialize } from 'bson'
import type { Document } from 'bson'

export const OP_MSG = 2013
export const OP_QUERY = 2004

let nextId = 1000

/** Host and port of a mongodb:// URI. */
export function hostPort(uri: string): { host: string; port: number } {
  const m = /^mongodb:\/\/(?:[^@/]*@)?([^/,?]+)/.exec(uri)
  const [host, port] = (m?.[1] ?? '127.0.0.1:27017').split(':')
  return { host: host ?? '127.0.0.1', port: Number(port ?? 27017) }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1
    table[i] = c >>> 0
  }
  return table
})()

/** CRC-32C (Castagnoli), the OP_MSG checksum. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const b of bytes) crc = (CRC_TABLE[(crc ^ b) & 0xff] as number) ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

/** Builds an OP_MSG with a body and optional document sequences. */
export function opMsg(
  body: Document,
  opts: { flags?: number; sequences?: [string, Document[]][]; checksum?: boolean } = {},
): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))]
  for (const [id, docs] of opts.sequences ?? []) {
    const payload = Buffer.concat([Buffer.from(id + '\0'), ...docs.map((d) => Buffer.from(serialize(d)))])
    const size = Buffer.alloc(4)
    size.writeInt32LE(payload.length + 4)
    parts.push(Buffer.from([1]), size, payload)
  }
  const flags = (opts.flags ?? 0) | (opts.checksum ? 1 : 0)
  const sections = Buffer.concat(parts)
  const length = 16 + 4 + sections.length + (opts.checksum ? 4 : 0)
  const head = Buffer.alloc(20)
  head.writeInt32LE(length, 0)
  head.writeInt32LE(nextId++, 4)
  head.writeInt32LE(0, 8)
  head.writeInt32LE(OP_MSG, 12)
  head.writeUInt32LE(flags >>> 0, 16)
  const msg = Buffer.concat([head, sections])
  if (!opts.checksum) return msg
  const sum = Buffer.alloc(4)
  sum.writeUInt32LE(crc32c(msg))
  return Buffer.concat([msg, sum])
}

/** Builds a legacy OP_QUERY against `db.$cmd`. */
export function opQuery(db: string, query: Document): Buffer {
  const ns = Buffer.from(`${db}.$cmd\0`)
  const q = Buffer.from(serialize(query))
  const head = Buffer.alloc(20)
  const length = 16 + 4 + ns.length + 8 + q.length
  head.writeInt32LE(length, 0)
  head.writeInt32LE(nextId++, 4)
  head.writeInt32LE(0, 8)
  head.writeInt32LE(OP_QUERY, 12)
  head.writeInt32LE(0, 16)
  const skipReturn = Buffer.alloc(8)
  skipReturn.writeInt32LE(-1, 4)
  return Buffer.concat([head, ns, skipReturn, q])
}

/** A decoded server message. */
export interface Reply {
  opCode: number
  flags: number
  doc: Document
}

/** A raw connection that collects replies. */
export class RawConnection {
  private buffer = Buffer.alloc(0)
  private waiters: (() => void)[] = []
  closed = false

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk])
      this.wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
    socket.on('error', () => undefined)
  }

  static async open(uri: string): Promise<RawConnection> {
    const { host, port } = hostPort(uri)
    const socket = net.connect(port, host)
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return new RawConnection(socket)
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w()
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  /** Next reply, or null if the connection closes first / nothing arrives within `timeoutMs`. */
  async next(timeoutMs = 2000): Promise<Reply | null> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (this.buffer.length >= 4) {
        const len = this.buffer.readInt32LE(0)
        if (this.buffer.length >= len) {
          const msg = this.buffer.subarray(0, len)
          this.buffer = this.buffer.subarray(len)
          const opCode = msg.readInt32LE(12)
          if (opCode === OP_MSG)
            return { opCode, flags: msg.readUInt32LE(16), doc: deserialize(msg.subarray(21)) }
          return { opCode, flags: msg.readInt32LE(16), doc: deserialize(msg.subarray(36)) }
        }
      }
      if (this.closed) return null
      const left = deadline - Date.now()
      if (left <= 0) return null
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Resolves true once the server closed the connection (false after `timeoutMs`). */
  async waitClosed(timeoutMs = 2000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    return this.closed
  }

  close(): void {
    this.socket.destroy()
  }
}
