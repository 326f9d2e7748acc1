// The machine installs from the same Debian mirror as this host: on the test machines that mirror is the
// only way out, and it keeps the packages the machine gets the same as the host's own.

import { readFile } from 'node:fs/promises'

export const SUITE = 'bookworm'
const DEFAULT_MIRROR = 'http://deb.debian.org/debian'
const DEFAULT_SECURITY_MIRROR = 'http://deb.debian.org/debian-security'
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg'

export interface Mirrors {
  main: string
  security: string
}

interface Stanza {
  uris: string[]
  suites: string[]
}

/** Stanzas of a deb822 .sources file and one-line `deb URI SUITE …` entries, as one list. */
function parseSources(text: string): Stanza[] {
  const stanzas: Stanza[] = []
  for (const block of text.split(/\n\s*\n/)) {
    const field = (name: string): string[] =>
      (new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(block)?.[1] ?? '').split(/\s+/).filter(Boolean)
    const types = field('Types')
    if (types.includes('deb')) stanzas.push({ uris: field('URIs'), suites: field('Suites') })
  }
  for (const line of text.split('\n')) {
    const match = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line)
    if (match) stanzas.push({ uris: [match[1]!], suites: [match[2]!] })
  }
  return stanzas
}

/** The host's mirrors for the machine's suite and its security updates; Debian's defaults otherwise. */
export async function hostMirrors(): Promise<Mirrors> {
  const files = ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']
  const stanzas = (await Promise.all(files.map((file) => readFile(file, 'utf8').catch(() => '')))).flatMap(parseSources)
  const find = (suite: string): string | undefined =>
    stanzas.find((stanza) => stanza.suites.includes(suite) && stanza.uris.some((uri) => /^https?:/.test(uri)))?.uris.find((uri) => /^https?:/.test(uri))
  return {
    main: (find(SUITE) ?? DEFAULT_MIRROR).replace(/\/+$/, ''),
    security: (find(`${SUITE}-security`) ?? DEFAULT_SECURITY_MIRROR).replace(/\/+$/, ''),
  }
}

/** /etc/apt/sources.list.d/debian.sources for the machine, as a Debian 12 install writes it. */
export function machineSources(mirrors: Mirrors): string {
  return [
    'Types: deb',
    `URIs: ${mirrors.main}`,
    `Suites: ${SUITE} ${SUITE}-updates`,
    'Components: main',
    `Signed-By: ${KEYRING}`,
    '',
    'Types: deb',
    `URIs: ${mirrors.security}`,
    `Suites: ${SUITE}-security`,
    'Components: main',
    `Signed-By: ${KEYRING}`,
    '',
  ].join('\n')
}
