import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import QRCode from 'qrcode'
import { describe, expect, it } from 'vitest'
import { cardTokenFromQrText, decodeQrImage } from '../../src/bot/qr/decode.ts'

const LINK = 'https://t.me/loyalty_test_bot?start=c-Zk3v9Qm2Lx8Rt1Yw5Hn7Bc4Pd6Fg0Js'

/** A JPEG of the QR as a phone would send it: re-encoded with loss, on a grey background, larger. */
async function jpegOf(text: string, quality: number): Promise<Buffer> {
  const png = PNG.sync.read(await QRCode.toBuffer(text, { type: 'png', width: 300, margin: 2 }))
  const width = png.width + 200
  const height = png.height + 200
  const data = Buffer.alloc(width * height * 4, 0xb0)
  for (let y = 0; y < png.height; y += 1) {
    png.data.copy(data, ((y + 100) * width + 100) * 4, y * png.width * 4, (y + 1) * png.width * 4)
  }
  return jpeg.encode({ data, width, height }, quality).data
}

describe('decodeQrImage', () => {
  it('should read the card link from a PNG rendered by qrcode', async () => {
    const png = await QRCode.toBuffer(LINK, { type: 'png', width: 400 })
    expect(decodeQrImage(png)).toBe(LINK)
  })

  it('should read the card link from a lossy JPEG re-encoded with jpeg-js', async () => {
    expect(decodeQrImage(await jpegOf(LINK, 60))).toBe(LINK)
  })

  it('should read a large photo through a downscaled copy', async () => {
    const png = await QRCode.toBuffer(LINK, { type: 'png', width: 1600 })
    expect(decodeQrImage(png)).toBe(LINK)
  })

  it('should return null for an image without a QR code', () => {
    const blank = PNG.sync.write(Object.assign(new PNG({ width: 64, height: 64 }), {}))
    expect(decodeQrImage(blank)).toBeNull()
  })

  it('should return null for bytes that are not an image', () => {
    expect(decodeQrImage(Buffer.from('definitely not a picture'))).toBeNull()
    expect(decodeQrImage(Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01]))).toBeNull()
  })
})

describe('cardTokenFromQrText', () => {
  it('should take the token from a card deep link', () => {
    expect(cardTokenFromQrText(LINK)).toBe('Zk3v9Qm2Lx8Rt1Yw5Hn7Bc4Pd6Fg0Js')
  })

  it('should take the token from a bare start payload', () => {
    expect(cardTokenFromQrText('c-Zk3v9Qm2Lx8Rt1Yw5Hn7Bc4Pd6Fg0Js')).toBe('Zk3v9Qm2Lx8Rt1Yw5Hn7Bc4Pd6Fg0Js')
  })

  it('should refuse other links and payloads', () => {
    expect(cardTokenFromQrText('https://t.me/loyalty_test_bot?start=s-abcdefghijkl')).toBeNull()
    expect(cardTokenFromQrText('https://example.com/menu')).toBeNull()
    expect(cardTokenFromQrText('ST00012|Name=Shop|Sum=35000')).toBeNull()
    expect(cardTokenFromQrText('c-<script>')).toBeNull()
  })
})
