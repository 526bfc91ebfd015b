/**
 * On-disk format shared by the log and the snapshot files.
 *
 * Every record is framed as `length (u32 LE) | crc32 (u32 LE) | payload`. The checksum is the
 * IEEE CRC-32 (zlib's) of the 4 length bytes followed by the payload, so a zero-filled tail (which
 * some file systems expose after a crash) or a damaged length field never passes as a record.
 */
import { crc32 } from 'node:zlib'

/** Bytes in front of every payload: u32 length + u32 checksum. */
export const FRAME_HEADER_BYTES = 8

/** Largest payload accepted, in bytes (48 MiB, MongoDB's maximum message size). */
export const MAX_RECORD_BYTES = 48 * 1024 * 1024

/** Format version written in every file header; bump on incompatible changes. */
export const FORMAT_VERSION = 1

/** Bytes of the header at the start of every log and snapshot file: 4-byte magic + u32 version. */
export const FILE_HEADER_BYTES = 8

/** Magic at the start of a log file. */
export const LOG_MAGIC = 'EMJL'

/** Magic at the start of a snapshot file. */
export const SNAPSHOT_MAGIC = 'EMJS'

/** Magic of the snapshot footer, which proves the snapshot was written to the end. */
export const FOOTER_MAGIC = 'EMJF'

/** Bytes of the snapshot footer: magic(4) | crc32 of the count (4) | record count (u64 LE). */
export const FOOTER_BYTES = 16

/** Checksum of a frame: CRC-32 over the length field and then the payload. */
export function frameChecksum(lengthField: Uint8Array, payload: Uint8Array): number {
  return crc32(payload, crc32(lengthField))
}

/** Copies `payload` into a new framed buffer; throws RangeError above {@link MAX_RECORD_BYTES}. */
export function encodeFrame(payload: Uint8Array): Buffer {
  if (payload.byteLength > MAX_RECORD_BYTES) {
    throw new RangeError(`journal record of ${payload.byteLength} bytes exceeds ${MAX_RECORD_BYTES} bytes`)
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.byteLength)
  frame.writeUInt32LE(payload.byteLength, 0)
  frame.set(payload, FRAME_HEADER_BYTES)
  frame.writeUInt32LE(frameChecksum(frame.subarray(0, 4), frame.subarray(FRAME_HEADER_BYTES)), 4)
  return frame
}

/** Builds a file header (magic + version) for a log or snapshot file. */
export function encodeFileHeader(magic: string): Buffer {
  const header = Buffer.alloc(FILE_HEADER_BYTES)
  header.write(magic, 0, 'latin1')
  header.writeUInt32LE(FORMAT_VERSION, 4)
  return header
}

/** Returns why `header` is not a valid header with `magic`, or undefined when it is. */
export function checkFileHeader(header: Uint8Array, magic: string): string | undefined {
  const buf = Buffer.from(header.buffer, header.byteOffset, header.byteLength)
  if (buf.length < FILE_HEADER_BYTES) return `file shorter than its ${FILE_HEADER_BYTES}-byte header`
  if (buf.toString('latin1', 0, 4) !== magic) return `bad magic (expected ${magic})`
  const version = buf.readUInt32LE(4)
  if (version !== FORMAT_VERSION) return `unsupported format version ${version}`
  return undefined
}

/** Builds the snapshot footer for `count` records. */
export function encodeFooter(count: number): Buffer {
  const footer = Buffer.alloc(FOOTER_BYTES)
  footer.write(FOOTER_MAGIC, 0, 'latin1')
  footer.writeBigUInt64LE(BigInt(count), 8)
  footer.writeUInt32LE(crc32(footer.subarray(8, 16)), 4)
  return footer
}

/** Decodes a snapshot footer; returns the record count or undefined when the footer is invalid. */
export function decodeFooter(footer: Buffer): number | undefined {
  if (footer.length !== FOOTER_BYTES || footer.toString('latin1', 0, 4) !== FOOTER_MAGIC) return undefined
  if (footer.readUInt32LE(4) !== crc32(footer.subarray(8, 16))) return undefined
  return Number(footer.readBigUInt64LE(8))
}
