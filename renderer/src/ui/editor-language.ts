export type EditorLanguage = 'yaml' | 'json' | 'markdown' | 'ini' | 'shell' | 'plain'

const BY_EXTENSION: Record<string, EditorLanguage> = {
  yml: 'yaml',
  yaml: 'yaml',
  json: 'json',
  md: 'markdown',
  markdown: 'markdown',
  ini: 'ini',
  conf: 'ini',
  cfg: 'ini',
  cnf: 'ini',
  toml: 'ini',
  properties: 'ini',
  env: 'shell',
  sh: 'shell',
  bash: 'shell',
}

// Files named by convention rather than by extension: `.env` has no extension after its dot, and
// `.bashrc`-style files are shell.
const BY_NAME: Record<string, EditorLanguage> = {
  '.env': 'shell',
  '.bashrc': 'shell',
  '.profile': 'shell',
  '.bash_profile': 'shell',
  dockerfile: 'shell',
}

/** The editor's highlighting for a file name; anything unknown is plain text. */
export function editorLanguage(name: string): EditorLanguage {
  const lower = name.toLowerCase()
  if (BY_NAME[lower]) return BY_NAME[lower]
  const dot = lower.lastIndexOf('.')
  return (dot > 0 && BY_EXTENSION[lower.slice(dot + 1)]) || 'plain'
}
