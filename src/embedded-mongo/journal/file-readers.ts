/**
 * Reading whole snapshot and log files for replay, with synchronous I/O (replay is a plain
 * Iterable). A log's bad tail is cut off here; a damaged snapshot is an error.
 */
import fs from 'node:fs'
import { JournalCorruptError } from './errors.ts'
import { FILE_HEADER_BYTES, FOOTER_BYTES, decodeFooter } from './format.ts'
import { readFrames } from './frame-reader.ts'

/**
 * Yields the records of a committed snapshot. Throws JournalCorruptError when a record is damaged
 * or the count differs from the footer's: a snapshot is renamed into place only once complete and
 * fsynced, so damage there is not a torn write and cutting it would silently lose committed data.
 */
export function* readSnapshotFile(file: string): Generator<Buffer, void, undefined> {
  const fd = fs.openSync(file, 'r')
  try {
    const size = fs.fstatSync(fd).size
    const footer = Buffer.alloc(FOOTER_BYTES)
    fs.readSync(fd, footer, 0, FOOTER_BYTES, size - FOOTER_BYTES)
    const expected = decodeFooter(footer)
    const frames = readFrames(fd, FILE_HEADER_BYTES, size - FOOTER_BYTES)
    let next = frames.next()
    for (; !next.done; next = frames.next()) yield next.value
    const end = next.value
    if (end.problem !== undefined || end.count !== expected) {
      throw new JournalCorruptError(
        `journal: snapshot ${file} is damaged at offset ${end.goodEnd}: ` +
          `${end.problem ?? `${end.count} records instead of ${expected}`}`,
      )
    }
  } finally {
    fs.closeSync(fd)
  }
}

/** Where a log's good records end, and how many bytes after them were cut off. */
export interface LogEnd {
  /** Offset just past the last good record, bytes; the file now ends there. */
  goodEnd: number
  /** Bytes removed from the tail; 0 when the log was intact. */
  cutBytes: number
}

/**
 * Yields the records of a log file and returns where they end. A torn or corrupt tail (short
 * header, implausible length, record past the end of file, checksum mismatch) is cut off: the file
 * is truncated to the last good record and fsynced, and `log` receives one line about it.
 */
export function* readLogFile(
  file: string,
  log: (line: string) => void,
): Generator<Buffer, LogEnd, undefined> {
  const fd = fs.openSync(file, 'r+')
  try {
    const size = fs.fstatSync(fd).size
    const frames = readFrames(fd, FILE_HEADER_BYTES, size)
    let next = frames.next()
    for (; !next.done; next = frames.next()) yield next.value
    const end = next.value
    if (end.goodEnd < size) {
      fs.ftruncateSync(fd, end.goodEnd)
      fs.fsyncSync(fd)
      log(
        `journal: ${file}: ${end.problem ?? 'bad data'} at offset ${end.goodEnd}; ` +
          `cut ${size - end.goodEnd} bytes, kept ${end.count} records`,
      )
    }
    return { goodEnd: end.goodEnd, cutBytes: size - end.goodEnd }
  } finally {
    fs.closeSync(fd)
  }
}
