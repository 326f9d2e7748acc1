// Compose files of any length, made on the fly for limits.test.ts and the `npm run bench:compose` benchmark:
// how reading a file grows with its length. Test material: nothing in the app imports it.

/** One service publishing `n` ports, alternating tcp and udp. */
export function portsFile(n: number): string {
  let y = 'services:\n  a:\n    image: busybox:1\n    ports:\n'
  for (let i = 0; i < n; i++) y += `      - "${1 + (i % 60000)}:${1 + (i % 60000)}/${i % 2 ? 'udp' : 'tcp'}"\n`
  return y
}

/** One service with `n` environment entries. */
export function envFile(n: number): string {
  let y = 'services:\n  a:\n    image: busybox:1\n    environment:\n'
  for (let i = 0; i < n; i++) y += `      K${i}: "v${i}"\n`
  return y
}
