// Homeport's own catalog format (resources/catalog/<id>/{app.yml,compose.yml,icon.svg}).

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { APP_NAME_PATTERN } from '../../../../shared/contract/index.js'
import type { CatalogApp } from './types.js'

const VariableSchema = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name (letters, digits, underscore)'),
  label: z.string().min(1),
  description: z.string().optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).transform(String).optional(),
  type: z.enum(['string', 'port', 'path', 'boolean', 'select']).default('string'),
  options: z.array(z.string()).optional(),
  secret: z.boolean().default(false),
})

const AppYamlSchema = z.object({
  // The id is the app's default name on the server, so it follows the app-name rule.
  id: z.string().regex(APP_NAME_PATTERN, 'must be lower case letters, digits, dash or underscore'),
  name: z.string().min(1),
  category: z.string().min(1),
  tagline: z.string().optional(),
  description: z.string().optional(),
  website: z.string().url().optional(),
  version: z.string().optional(),
  icon: z.string().optional(),
  web: z
    .object({
      service: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      path: z.string().default('/'),
      scheme: z.enum(['http', 'https']).default('http'),
      hostNetwork: z.boolean().optional(),
    })
    .optional(),
  variables: z.array(VariableSchema).default([]),
  notes: z.array(z.string()).optional(),
})

function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
}

export async function readHomeportApp(dir: string): Promise<CatalogApp> {
  const metaText = await readFile(join(dir, 'app.yml'), 'utf8')
  const parsed = AppYamlSchema.safeParse(parseYaml(metaText))
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    throw new Error(`app.yml: ${first.path.join('.') || '(root)'}: ${first.message}`)
  }
  const meta = parsed.data
  const compose = await readFile(join(dir, 'compose.yml'), 'utf8')
  let icon: string | undefined
  if (meta.icon) {
    icon = meta.icon.startsWith('https://') ? meta.icon : svgDataUrl(await readFile(join(dir, meta.icon), 'utf8'))
  }
  return {
    id: meta.id,
    name: meta.name,
    category: meta.category,
    tagline: meta.tagline,
    description: meta.description,
    website: meta.website,
    version: meta.version,
    icon,
    source: 'bundled',
    origin: dir,
    compose,
    variables: meta.variables,
    web: meta.web,
    notes: meta.notes,
  }
}
