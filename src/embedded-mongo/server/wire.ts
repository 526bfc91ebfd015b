import { serialize } from 'bson'
import { decodeDocument } from '../bson/codec.ts'
import type { Doc } from '../bson/codec.ts'

/** Legacy reply to an OP_QUERY. */
export const OP_REPLY = 1
/** Legacy query, still used by drivers for the first handshake. */
export const OP_QUERY = 2004
/** Compressed wrapper (never negotiated by this server). */
export const OP_COMPRESSED = 2012
/** The modern message: flags, a body document and optional document sequences. */
export const OP_MSG = 2013

/** OP_MSG flag bits. */
export const MsgFlags = {
  checksumPresent: 1 << 0,
  moreToCome: 1 << 1,
  exhaustAllowed: 1 << 16,
} as const

/** Largest message accepted (mongod's maxMessageSizeBytes). */
export const MAX_MESSAGE_BYTES = 48_000_000
/** Largest BSON document (mongod's maxBsonObjectSize). */
export const MAX_BSON_BYTES = 16 * 1024 * 1024

/** A decoded client request. */
export interface Request {
  requestId: number
  opCode: number
  /** OP_MSG flags (0 for OP_QUERY). */
  flags: number
  /** The command document; document sequences are attached as arrays under their identifiers. */
  body: Doc
  /** For OP_QUERY: the full collection name (e.g. "admin.$cmd"). */
  fullCollectionName?: string
}

/** Error raised for a message that cannot be parsed; the connection replies or closes. */
export class ProtocolError extends Error {}

function readCString(buf: Buffer, at: number, end: number): [string, number] {
  const zero = buf.indexOf(0, at)
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated cstring')
  return [buf.toString('utf8', at, zero), zero + 1]
}

function readDoc(buf: Buffer, at: number, end: number): [Doc, number] {
  if (at + 5 > end) throw new ProtocolError('truncated BSON document')
  const len = buf.readInt32LE(at)
  if (len < 5 || at + len > end) throw new ProtocolError('invalid BSON document length')
  try {
    return [decodeDocument(buf.subarray(at, at + len)), at + len]
  } catch (err) {
    throw new ProtocolError(`invalid BSON: ${(err as Error).message}`)
  }
}

/** Parses one complete message (header included). Throws ProtocolError when malformed. */
export function parseMessage(buf: Buffer): Request {
  const length = buf.readInt32LE(0)
  const requestId = buf.readInt32LE(4)
  const opCode = buf.readInt32LE(12)
  if (opCode === OP_MSG) {
    const flags = buf.readUInt32LE(16)
    const end = flags & MsgFlags.checksumPresent ? length - 4 : length
    let at = 20
    let body: Doc | null = null
    const sequences: [string, Doc[]][] = []
    while (at < end) {
      const kind = buf[at]
      at++
      if (kind === 0) {
        if (body) throw new ProtocolError('OP_MSG has several body sections')
        ;[body, at] = readDoc(buf, at, end)
      } else if (kind === 1) {
        if (at + 4 > end) throw new ProtocolError('truncated document sequence')
        const size = buf.readInt32LE(at)
        const seqEnd = at + size
        if (size < 5 || seqEnd > end) throw new ProtocolError('invalid document sequence size')
        let id: string
        ;[id, at] = readCString(buf, at + 4, seqEnd)
        const docs: Doc[] = []
        while (at < seqEnd) {
          let d: Doc
          ;[d, at] = readDoc(buf, at, seqEnd)
          docs.push(d)
        }
        sequences.push([id, docs])
      } else throw new ProtocolError(`unknown OP_MSG section kind ${String(kind)}`)
    }
    if (!body) throw new ProtocolError('OP_MSG without a body section')
    for (const [id, docs] of sequences) body[id] = docs
    return { requestId, opCode, flags, body }
  }
  if (opCode === OP_QUERY) {
    let at = 20
    const [fullCollectionName, afterName] = readCString(buf, at, length)
    at = afterName
    at += 8
    const [query] = readDoc(buf, at, length)
    const body =
      query.$query !== undefined && typeof query.$query === 'object' ? (query.$query as Doc) : query
    return { requestId, opCode, flags: 0, body, fullCollectionName }
  }
  throw new ProtocolError(`unsupported opCode ${opCode}`)
}

let nextRequestId = 1

/** Writes a message header at the start of `out`; returns the request id it was given. */
function writeHeader(out: Buffer, responseTo: number, opCode: number): number {
  const requestId = nextRequestId++ & 0x7fffffff
  out.writeInt32LE(out.length, 0)
  out.writeInt32LE(requestId, 4)
  out.writeInt32LE(responseTo, 8)
  out.writeInt32LE(opCode, 12)
  return requestId
}

const SERIALIZE_OPTIONS = { checkKeys: false, ignoreUndefined: true } as const

/** Encodes an OP_MSG reply with a single body section. Returns the bytes and the new request id. */
export function encodeMsgReply(
  doc: Doc,
  responseTo: number,
  flags = 0,
): { bytes: Buffer; requestId: number } {
  const body = serialize(doc, SERIALIZE_OPTIONS)
  const out = Buffer.allocUnsafe(16 + 4 + 1 + body.length)
  const requestId = writeHeader(out, responseTo, OP_MSG)
  out.writeUInt32LE(flags, 16)
  out[20] = 0
  out.set(body, 21)
  return { bytes: out, requestId }
}

/** Encodes an OP_REPLY (answer to a legacy OP_QUERY) with one document. */
export function encodeOpReply(doc: Doc, responseTo: number): Buffer {
  const body = serialize(doc, SERIALIZE_OPTIONS)
  const out = Buffer.allocUnsafe(16 + 20 + body.length)
  writeHeader(out, responseTo, OP_REPLY)
  out.writeInt32LE(0, 16)
  out.writeBigInt64LE(0n, 20)
  out.writeInt32LE(0, 28)
  out.writeInt32LE(1, 32)
  out.set(body, 36)
  return out
}
