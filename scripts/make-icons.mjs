// Draws Homeport's icons (a white house on a rounded teal square) as PNGs, without an image library:
// resources/icons/icon.png (512 px, used by electron-builder for every platform and by the window),
// tray.png (16 px) and tray@2x.png (32 px), and the tray's warning and error variants (the same house with an
// amber or red dot in a corner: tray-warning.png, tray-error.png and their @2x). Run again after changing the
// drawing: node scripts/make-icons.mjs

import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'

const outDir = fileURLToPath(new URL('../resources/icons/', import.meta.url))

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// Shapes in unit coordinates (0..1). Returns [r, g, b, a] for a point.
const BADGES = { warning: [240, 160, 32, 255], error: [208, 48, 80, 255] }

function shade(x, y, { background, badge }) {
  // The dot sits over the top-right corner, with a transparent ring so it reads on any tray colour.
  if (badge) {
    const d = Math.hypot(x - 0.76, y - 0.24)
    if (d <= 0.22) return BADGES[badge]
    if (d <= 0.3) return [0, 0, 0, 0]
  }
  const inRoundedSquare = (() => {
    const r = 0.2
    const dx = Math.max(0.06 + r - x, 0, x - (0.94 - r))
    const dy = Math.max(0.06 + r - y, 0, y - (0.94 - r))
    return dx * dx + dy * dy <= r * r
  })()
  // House: a roof triangle and a body with a door cut out.
  const roof = y >= 0.22 && y <= 0.5 && Math.abs(x - 0.5) <= (y - 0.22) * (0.3 / 0.28)
  const body = x >= 0.28 && x <= 0.72 && y >= 0.48 && y <= 0.78
  const door = x >= 0.45 && x <= 0.55 && y >= 0.6 && y <= 0.78
  const house = (roof || body) && !door
  if (house) return [255, 255, 255, 255]
  if (background && inRoundedSquare) return [24, 160, 136, 255]
  return [0, 0, 0, 0]
}

function draw(size, options) {
  const samples = 4
  const rgba = Buffer.alloc(size * size * 4)
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0]
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const [r, g, b, a] = shade((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size, options)
          acc[0] += r * a
          acc[1] += g * a
          acc[2] += b * a
          acc[3] += a
        }
      }
      const o = (py * size + px) * 4
      const alpha = acc[3] / (samples * samples)
      for (let i = 0; i < 3; i++) rgba[o + i] = acc[3] ? Math.round(acc[i] / acc[3]) : 0
      rgba[o + 3] = Math.round(alpha)
    }
  }
  return encodePng(size, rgba)
}

mkdirSync(outDir, { recursive: true })
writeFileSync(path.join(outDir, 'icon.png'), draw(512, { background: true }))
writeFileSync(path.join(outDir, 'tray.png'), draw(16, { background: true }))
writeFileSync(path.join(outDir, 'tray@2x.png'), draw(32, { background: true }))
for (const badge of Object.keys(BADGES)) {
  writeFileSync(path.join(outDir, `tray-${badge}.png`), draw(16, { background: true, badge }))
  writeFileSync(path.join(outDir, `tray-${badge}@2x.png`), draw(32, { background: true, badge }))
}
console.log(`icons written to ${outDir}`)
