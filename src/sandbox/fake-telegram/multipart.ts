/**
 * A small, tolerant multipart/form-data parser. grammY writes part headers without spaces
 * (`content-disposition:form-data;name="x"`) and unquoted file names, so the parser accepts
 * both spellings.
 */

/** A file part of a multipart body. */
export interface UploadedFile {
  field: string
  filename: string
  contentType: string
  data: Buffer
}

/** Text fields and file parts of a multipart body. */
export interface MultipartBody {
  fields: Record<string, string>
  files: Map<string, UploadedFile>
}

/** Extracts the boundary from a `multipart/form-data; boundary=...` content type. */
export function boundaryOf(contentType: string): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  return match?.[1] ?? match?.[2]
}

function headerParam(header: string, name: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i')
  const match = re.exec(header)
  if (!match) return undefined
  return (match[1] ?? match[2] ?? '').trim()
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>()
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  return headers
}

/** Parses a multipart body; malformed parts are skipped rather than failing the whole request. */
export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
  const result: MultipartBody = { fields: {}, files: new Map() }
  const delimiter = Buffer.from(`--${boundary}`)
  let cursor = body.indexOf(delimiter)
  while (cursor !== -1) {
    let partStart = cursor + delimiter.length
    if (body.subarray(partStart, partStart + 2).toString() === '--') break
    if (body.subarray(partStart, partStart + 2).toString() === '\r\n') partStart += 2
    const next = body.indexOf(delimiter, partStart)
    if (next === -1) break
    let partEnd = next
    if (body.subarray(partEnd - 2, partEnd).toString() === '\r\n') partEnd -= 2
    const part = body.subarray(partStart, partEnd)
    const headerEnd = part.indexOf('\r\n\r\n')
    if (headerEnd !== -1) {
      const headers = parseHeaders(part.subarray(0, headerEnd).toString('utf8'))
      const data = part.subarray(headerEnd + 4)
      const disposition = headers.get('content-disposition') ?? ''
      const name = headerParam(disposition, 'name')
      const filename = headerParam(disposition, 'filename')
      if (name !== undefined) {
        if (filename !== undefined) {
          result.files.set(name, {
            field: name,
            filename,
            contentType: headers.get('content-type') ?? 'application/octet-stream',
            data: Buffer.from(data),
          })
        } else {
          result.fields[name] = data.toString('utf8')
        }
      }
    }
    cursor = next
  }
  return result
}
