/**
 * Synchronous reader of framed records, used by replay (which must be a plain Iterable) and by the
 * tail check that runs when an append comes before replay has reached the end of the log.
 */
import fs from 'node:fs'
import { FRAME_HEADER_BYTES, MAX_RECORD_BYTES, frameChecksum } from './format.ts'

/** How a scan of a byte range ended. */
export interface ScanEnd {
  /** Offset just past the last good record, in bytes from the start of the file. */
  goodEnd: number
  /** Number of good records read. */
  count: number
  /** Why the scan stopped before `end`; undefined when every byte was a good record. */
  problem?: string
}

/** Read-ahead size for small records, in bytes (1 MiB). Larger records are read in one piece. */
const CHUNK_BYTES = 1024 * 1024

/** Reads exactly `length` bytes at `position` into `target`; returns fewer only at end of file. */
function readFully(fd: number, target: Buffer, length: number, position: number): number {
  let done = 0
  while (done < length) {
    const n = fs.readSync(fd, target, done, length - done, position + done)
    if (n === 0) break
    done += n
  }
  return done
}

/**
 * Yields the payloads of the records in `[start, end)` of the open file `fd`, each in a buffer of its
 * own, and returns where and why it stopped. Never throws for bad data: a short header, an
 * implausible length, a record running past `end` or a checksum mismatch ends the scan there.
 */
export function* readFrames(fd: number, start: number, end: number): Generator<Buffer, ScanEnd, undefined> {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES)
  let chunkStart = 0
  let chunkLength = 0
  /** Returns `length` bytes at `position`, a view into `chunk` when they fit there. */
  const view = (position: number, length: number): { bytes: Buffer; shared: boolean } => {
    if (position >= chunkStart && position + length <= chunkStart + chunkLength) {
      return { bytes: chunk.subarray(position - chunkStart, position - chunkStart + length), shared: true }
    }
    if (length <= CHUNK_BYTES) {
      chunkStart = position
      chunkLength = readFully(fd, chunk, Math.min(CHUNK_BYTES, end - position), position)
      return { bytes: chunk.subarray(0, Math.min(length, chunkLength)), shared: true }
    }
    const own = Buffer.allocUnsafe(length)
    return { bytes: own.subarray(0, readFully(fd, own, length, position)), shared: false }
  }

  let position = start
  let count = 0
  while (position < end) {
    const left = end - position
    if (left < FRAME_HEADER_BYTES) {
      return { goodEnd: position, count, problem: `torn record header (${left} bytes)` }
    }
    const header = view(position, FRAME_HEADER_BYTES).bytes
    if (header.length < FRAME_HEADER_BYTES)
      return { goodEnd: position, count, problem: 'file shrank while reading' }
    const length = header.readUInt32LE(0)
    const checksum = header.readUInt32LE(4)
    const lengthField = Buffer.from(header.subarray(0, 4))
    if (length > MAX_RECORD_BYTES) {
      return { goodEnd: position, count, problem: `implausible record length ${length}` }
    }
    if (length > left - FRAME_HEADER_BYTES) {
      return {
        goodEnd: position,
        count,
        problem: `torn record (needs ${length} payload bytes, ${left - FRAME_HEADER_BYTES} present)`,
      }
    }
    const payload = view(position + FRAME_HEADER_BYTES, length)
    if (payload.bytes.length < length)
      return { goodEnd: position, count, problem: 'file shrank while reading' }
    if (frameChecksum(lengthField, payload.bytes) !== checksum) {
      return { goodEnd: position, count, problem: 'checksum mismatch' }
    }
    yield payload.shared ? Buffer.from(payload.bytes) : payload.bytes
    position += FRAME_HEADER_BYTES + length
    count++
  }
  return { goodEnd: position, count }
}
