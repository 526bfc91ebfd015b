/**
 * Bot API parameters arrive as a JSON body, urlencoded body, query string or multipart form.
 * Only JSON keeps types, so accessors coerce strings the way Telegram does ("123" is a number,
 * "true" a boolean, a JSON string an object).
 */
import type { IncomingMessage } from 'node:http'
import { ApiError, badRequest } from './errors.ts'
import { boundaryOf, parseMultipart, type UploadedFile } from './multipart.ts'

export type { UploadedFile } from './multipart.ts'

/** Largest request body accepted (Telegram allows 50 MB uploads). */
export const MAX_BODY_BYTES = 50 * 1024 * 1024

/** Reads a request body fully, refusing bodies above {@link MAX_BODY_BYTES}. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    size += buf.length
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'Request Entity Too Large')
    chunks.push(buf)
  }
  return Buffer.concat(chunks)
}

/** The parameters of one Bot API call with typed accessors. */
export class Params {
  constructor(
    readonly fields: Record<string, unknown>,
    readonly files: Map<string, UploadedFile> = new Map(),
  ) {}

  /** True when the parameter is present and not null. */
  has(name: string): boolean {
    const value = this.fields[name]
    return value !== undefined && value !== null
  }

  /** The value as received. */
  raw(name: string): unknown {
    const value = this.fields[name]
    return value === null ? undefined : value
  }

  /** A string parameter; numbers are stringified like Telegram does. */
  str(name: string): string | undefined {
    const value = this.raw(name)
    if (value === undefined) return undefined
    if (typeof value === 'string') return value
    if (typeof value === 'number' || typeof value === 'boolean') return String(value)
    return JSON.stringify(value)
  }

  /** An integer parameter; a non-numeric value fails like Telegram's "must be of type Integer". */
  int(name: string): number | undefined {
    const value = this.raw(name)
    if (value === undefined || value === '') return undefined
    const n = typeof value === 'number' ? value : Number(String(value).trim())
    if (!Number.isInteger(n)) throw badRequest(`field "${name}" must be of type Integer`)
    return n
  }

  /** A boolean parameter ("true"/"1" count as true). */
  bool(name: string): boolean | undefined {
    const value = this.raw(name)
    if (value === undefined || value === '') return undefined
    if (typeof value === 'boolean') return value
    const s = String(value).toLowerCase()
    return s === 'true' || s === '1'
  }

  /** A JSON-serialised object parameter (reply_markup, entities, scope, ...). */
  json(
    name: string,
    onInvalid: () => ApiError = () => badRequest(`can't parse ${name} JSON object`),
  ): unknown {
    const value = this.raw(name)
    if (typeof value !== 'string') return value
    if (value.trim() === '') return undefined
    try {
      return JSON.parse(value) as unknown
    } catch {
      throw onInvalid()
    }
  }

  /** An uploaded file given as `attach://<name>` or as a file part named like the parameter. */
  upload(name: string): UploadedFile | undefined {
    const value = this.raw(name)
    if (typeof value === 'string' && value.startsWith('attach://')) return this.files.get(value.slice(9))
    return value === undefined ? this.files.get(name) : undefined
  }

  /** A loggable copy of the parameters (file parts replaced by a summary). */
  toRecord(): Record<string, unknown> {
    const record: Record<string, unknown> = { ...this.fields }
    for (const [field, file] of this.files) {
      if (!(field in record)) record[field] = `<file ${file.filename}, ${file.data.length} bytes>`
    }
    return record
  }
}

function mergeQuery(target: Record<string, unknown>, search: URLSearchParams): void {
  for (const [key, value] of search) if (!(key in target)) target[key] = value
}

/** Builds {@link Params} from a request's query string and body of any supported content type. */
export function parseParams(contentType: string | undefined, body: Buffer, search: URLSearchParams): Params {
  const type = (contentType ?? '').toLowerCase()
  const fields: Record<string, unknown> = {}
  let files = new Map<string, UploadedFile>()
  if (body.length > 0) {
    if (type.includes('application/json')) {
      let parsed: unknown
      try {
        parsed = JSON.parse(body.toString('utf8'))
      } catch {
        throw badRequest("can't parse JSON encoded request body")
      }
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(fields, parsed)
    } else if (type.includes('multipart/form-data')) {
      const boundary = boundaryOf(contentType ?? '')
      if (!boundary) throw badRequest('multipart boundary is missing')
      const multipart = parseMultipart(body, boundary)
      Object.assign(fields, multipart.fields)
      files = multipart.files
    } else {
      mergeQuery(fields, new URLSearchParams(body.toString('utf8')))
    }
  }
  mergeQuery(fields, search)
  return new Params(fields, files)
}
