import { LogDemuxer } from '../../electron/core/apps/app-logs.js'
const parts: Buffer[] = []
for (let i = 1; i <= 1_000_000; i++) { const p = Buffer.from(`${i}\n`); const h = Buffer.alloc(8); h[0] = 1; h.writeUInt32BE(p.length, 4); parts.push(h, p) }
const all = Buffer.concat(parts)
const chunks: Buffer[] = []
for (let o = 0; o < all.length; o += 32768) chunks.push(all.subarray(o, o + 32768))
for (let r = 0; r < 3; r++) {
  let n = 0
  const t = process.hrtime.bigint()
  const d = new LogDemuxer(false, (_s, line) => { n += line.length > 0 ? 1 : 0 })
  for (const c of chunks) d.push(c)
  d.end()
  const t2 = process.hrtime.bigint()
  const d2 = new LogDemuxer(false, () => { n++ })
  d2.push(all); d2.end()
  console.log('chunked', Number(t2 - t) / 1e6, 'ms; one buffer', Number(process.hrtime.bigint() - t2) / 1e6, 'ms', n)
}
