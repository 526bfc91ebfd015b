import jpeg from 'jpeg-js'
import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'

// jsqr is CommonJS: Node's default import is its `exports`, whose `default` is the decoder.
const jsQR = jsQRModule.default

/** An image as jsQR reads it: RGBA bytes, 4 per pixel, row by row. */
interface RgbaImage {
  readonly data: Uint8ClampedArray
  readonly width: number
  readonly height: number
}

/** Larger photos are refused before decoding (a 4000 x 4000 phone photo is 16 MP; Telegram sends at most 2560 px). */
const MAX_MEGAPIXELS = 25

/**
 * Reads the text of the QR code in a photo (PNG or JPEG bytes, e.g. a cashier's photo of a card on a
 * customer's phone). Tries the image as it is, then a half-size copy: on a large, noisy camera photo
 * jsQR often finds the finder patterns only after downscaling smooths the noise. Null when the bytes
 * are not a PNG/JPEG or hold no readable QR code.
 */
export function decodeQrImage(bytes: Uint8Array): string | null {
  const image = readImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  if (image === null) return null
  for (const candidate of [image, downscale(image, 2), downscale(image, 4)]) {
    if (candidate.width < 21 || candidate.height < 21) continue
    const code = jsQR(candidate.data, candidate.width, candidate.height, { inversionAttempts: 'attemptBoth' })
    if (code !== null && code.data !== '') return code.data
  }
  return null
}

/**
 * The card token in a scanned QR text: the card deep link `https://t.me/<bot>?start=c-<token>`, or a
 * bare `c-<token>`. Null for anything else (a menu link, a payment QR, a staff invite).
 */
export function cardTokenFromQrText(text: string): string | null {
  const trimmed = text.trim()
  let payload: string | null = trimmed
  if (/^(https?:\/\/|tg:\/\/)/i.test(trimmed)) {
    try {
      payload = new URL(trimmed).searchParams.get('start')
    } catch {
      return null
    }
  }
  const match = /^c-([A-Za-z0-9_-]{8,64})$/.exec(payload ?? '')
  return match?.[1] ?? null
}

function readImage(bytes: Buffer): RgbaImage | null {
  try {
    if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) {
      const png = PNG.sync.read(bytes)
      return { data: new Uint8ClampedArray(png.data), width: png.width, height: png.height }
    }
    if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
      const raw = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_MEGAPIXELS,
      })
      return { data: new Uint8ClampedArray(raw.data), width: raw.width, height: raw.height }
    }
  } catch {
    // A truncated or corrupt file is "no QR here", not a crash.
    return null
  }
  return null
}

/** A copy `factor` times smaller, each pixel the average of a factor x factor block. */
function downscale(image: RgbaImage, factor: number): RgbaImage {
  const width = Math.floor(image.width / factor)
  const height = Math.floor(image.height / factor)
  const data = new Uint8ClampedArray(width * height * 4)
  const area = factor * factor
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      for (let channel = 0; channel < 4; channel += 1) {
        let sum = 0
        for (let dy = 0; dy < factor; dy += 1) {
          const row = (y * factor + dy) * image.width
          for (let dx = 0; dx < factor; dx += 1) sum += image.data[(row + x * factor + dx) * 4 + channel] ?? 0
        }
        data[(y * width + x) * 4 + channel] = sum / area
      }
    }
  }
  return { data, width, height }
}
