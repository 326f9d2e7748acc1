// A per-server registry mirror (a pull-through cache) rewrites Docker Hub references, the way Docker's own
// `registry-mirrors` daemon setting does, but per server and visible in the plan.

/** Splits off the registry host the way the Docker CLI does: a first component with '.' or ':' or 'localhost'. */
export function imageRegistry(ref: string): { registry: string; path: string } {
  const slash = ref.indexOf('/')
  const first = slash === -1 ? '' : ref.slice(0, slash)
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { registry: first === 'index.docker.io' || first === 'registry-1.docker.io' ? 'docker.io' : first, path: ref.slice(slash + 1) }
  }
  return { registry: 'docker.io', path: ref }
}

export function applyMirror(ref: string, mirror: string | undefined): string {
  if (!mirror) return ref
  const { registry, path } = imageRegistry(ref)
  if (registry !== 'docker.io') return ref
  const repo = path.includes('/') ? path : `library/${path}`
  return `${mirror.replace(/\/+$/, '')}/${repo}`
}
