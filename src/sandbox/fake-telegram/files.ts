/**
 * Stored files: bytes, Telegram-looking file_id / file_unique_id, a file_path for getFile and
 * downloads, and image dimensions read from PNG, JPEG, GIF and WebP headers.
 */
import { randomBytes } from 'node:crypto'
import type { PhotoSize, TgDocument } from './types.ts'

/** What kind of media a file_id stands for (Telegram refuses to mix them). */
export type FileKind = 'photo' | 'document'

/** A stored file. */
export interface StoredFile {
  file_id: string
  file_unique_id: string
  kind: FileKind
  data: Buffer
  file_path: string
  file_name?: string
  mime_type?: string
  width?: number
  height?: number
  /** PhotoSize array, computed once per photo. */
  sizes?: PhotoSize[]
}

/** Width and height of an image, or null when the bytes are not a PNG/JPEG/GIF/WebP. */
export function imageSize(data: Buffer): { width: number; height: number; format: string } | null {
  if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47) {
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), format: 'png' }
  }
  if (data.length >= 10 && data.subarray(0, 6).toString('latin1').startsWith('GIF8')) {
    return { width: data.readUInt16LE(6), height: data.readUInt16LE(8), format: 'gif' }
  }
  if (
    data.length >= 30 &&
    data.toString('latin1', 0, 4) === 'RIFF' &&
    data.toString('latin1', 8, 12) === 'WEBP'
  ) {
    const chunk = data.toString('latin1', 12, 16)
    if (chunk === 'VP8X')
      return { width: data.readUIntLE(24, 3) + 1, height: data.readUIntLE(27, 3) + 1, format: 'webp' }
    if (chunk === 'VP8L') {
      const bits = data.readUInt32LE(21)
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1, format: 'webp' }
    }
    return { width: data.readUInt16LE(26) & 0x3fff, height: data.readUInt16LE(28) & 0x3fff, format: 'webp' }
  }
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8) {
    let i = 2
    while (i + 9 < data.length) {
      if (data[i] !== 0xff) return null
      const marker = data[i + 1] ?? 0
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: data.readUInt16BE(i + 7), height: data.readUInt16BE(i + 5), format: 'jpeg' }
      }
      i += 2 + data.readUInt16BE(i + 2)
    }
  }
  return null
}

const MIME_BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  zip: 'application/zip',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/** Guesses a MIME type from a file name like Telegram does for documents. */
export function mimeFor(fileName: string | undefined): string {
  const ext = fileName?.split('.').pop()?.toLowerCase() ?? ''
  return MIME_BY_EXTENSION[ext] ?? 'application/octet-stream'
}

const randomId = (prefix: string, bytes: number): string => prefix + randomBytes(bytes).toString('base64url')

/** All files known to the fake, by file_id and by file_path. */
export class FileStore {
  private byId = new Map<string, StoredFile>()
  private byPath = new Map<string, StoredFile>()
  private counter = 0

  /** Stores bytes as a new file. */
  add(data: Buffer, kind: FileKind, meta: { file_name?: string; mime_type?: string } = {}): StoredFile {
    this.counter++
    const size = kind === 'photo' ? imageSize(data) : null
    const ext = size?.format === 'jpeg' ? 'jpg' : (size?.format ?? meta.file_name?.split('.').pop() ?? 'dat')
    const file: StoredFile = {
      file_id: randomId(kind === 'photo' ? 'AgACAgIAAxkBAAI' : 'BQACAgIAAxkBAAI', 45),
      file_unique_id: randomId('AQAD', 9),
      kind,
      data,
      file_path: `${kind === 'photo' ? 'photos' : 'documents'}/file_${this.counter}.${ext}`,
      ...meta,
      ...(size ? { width: size.width, height: size.height } : {}),
    }
    this.byId.set(file.file_id, file)
    this.byPath.set(file.file_path, file)
    return file
  }

  /** Looks a file up by any of its file_ids. */
  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId)
  }

  /** Looks a file up by the file_path getFile handed out. */
  getByPath(path: string): StoredFile | undefined {
    return this.byPath.get(path)
  }

  /**
   * The PhotoSize array Telegram sends for a photo: a thumbnail-sized entry and the original.
   * All sizes share the same bytes (the fake does not resample), but each has its own file_id.
   */
  photoSizes(file: StoredFile): PhotoSize[] {
    if (file.sizes) return file.sizes
    const width = file.width ?? 0
    const height = file.height ?? 0
    const sizes: PhotoSize[] = []
    const longest = Math.max(width, height)
    if (longest > 320) {
      const scale = 320 / longest
      const alias = { ...file, file_id: randomId('AgACAgIAAxkBAAI', 45), file_unique_id: randomId('AQAD', 9) }
      this.byId.set(alias.file_id, file)
      sizes.push({
        file_id: alias.file_id,
        file_unique_id: alias.file_unique_id,
        width: Math.round(width * scale),
        height: Math.round(height * scale),
        file_size: file.data.length,
      })
    }
    sizes.push({
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      width,
      height,
      file_size: file.data.length,
    })
    file.sizes = sizes
    return sizes
  }

  /** The Document object for a document file. */
  document(file: StoredFile): TgDocument {
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      ...(file.file_name ? { file_name: file.file_name } : {}),
      mime_type: file.mime_type ?? mimeFor(file.file_name),
      file_size: file.data.length,
    }
  }
}
