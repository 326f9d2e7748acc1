// A failed pull told as what went wrong and where: the registry could not be reached, the image is not
// there, the registry wants a login, or it limits pulls. Docker says all of these as free text (HTTP 500 or
// 404 from the engine, or an error line in the pull stream); the text only goes to `details`.

import { HomeportError, type ErrorCode } from '../../../../shared/errors.js'
import { imageRegistry } from './image-mirror.js'

/** `image`: what was pulled; `requested`: what the compose file names, when a registry mirror rewrote it. */
export interface PullTarget {
  image: string
  requested?: string
}

/** Docker's own words: the engine's JSON message, a dockerode error's message, or a pull stream's error line. */
export function engineWords(err: unknown): string {
  if (err instanceof HomeportError) return err.details ?? err.message
  const json = (err as { json?: unknown } | undefined)?.json as { message?: unknown } | undefined
  if (json && typeof json === 'object' && typeof json.message === 'string') return json.message
  return err instanceof Error ? err.message : String(err)
}

/** Why a registry could not be reached, in a few words; undefined when the text is not about reaching it. */
function unreachableReason(text: string): string | undefined {
  if (/no such host|server misbehaving|lookup \S+ on/i.test(text)) return 'its name does not resolve on the server (DNS)'
  if (/connection refused/i.test(text)) return 'it refused the connection'
  if (/i\/o timeout|Client\.Timeout|TLS handshake timeout|deadline exceeded/i.test(text)) return 'it did not answer in time'
  if (/network is unreachable|no route to host/i.test(text)) return 'the server has no route to it'
  if (/server gave HTTP response to HTTPS client/i.test(text)) return 'it speaks plain http, which Docker refuses unless it is listed in insecure-registries'
  if (/x509|certificate/i.test(text)) return 'the server does not trust its TLS certificate'
  if (/dial tcp|connection reset|unexpected EOF/i.test(text)) return 'the network failed'
  return undefined
}

function classify(text: string): { code: ErrorCode; reason?: string } | undefined {
  if (/toomanyrequests|too many requests|rate limit/i.test(text)) return { code: 'RATE_LIMITED' }
  if (/manifest unknown|manifest for \S+ not found|repository does not exist|name unknown|pull access denied/i.test(text)) return { code: 'IMAGE_NOT_FOUND' }
  if (/unauthorized|authentication required|no basic auth credentials|denied/i.test(text)) return { code: 'REGISTRY_AUTH' }
  const reason = unreachableReason(text)
  return reason ? { code: 'REGISTRY_UNREACHABLE', reason } : undefined
}

/**
 * The pull failure as a Homeport error naming the image and the registry (and the mirror, when one rewrote
 * the reference), or `err` itself when Docker's text is not one of the known pull failures.
 */
export function pullFailure(err: unknown, target: PullTarget): unknown {
  const words = engineWords(err)
  const kind = classify(words)
  if (!kind) return err
  const { image } = target
  const { registry } = imageRegistry(image)
  const mirrored = target.requested && target.requested !== image ? target.requested : undefined
  const via = mirrored ? `the registry mirror ${registry} (for ${mirrored})` : `the registry ${registry}`
  const Via = `T${via.slice(1)}`
  const opts = { details: words, cause: err }
  switch (kind.code) {
    case 'REGISTRY_UNREACHABLE':
      return new HomeportError('REGISTRY_UNREACHABLE', `Pulling ${image} failed: the server could not reach ${via}; ${kind.reason}.`, opts)
    case 'IMAGE_NOT_FOUND':
      return new HomeportError('IMAGE_NOT_FOUND', `The image ${image} was not found on ${via}${/pull access denied/i.test(words) ? ', or it is private' : ''}.`, opts)
    case 'REGISTRY_AUTH': {
      const steps = `on the server, run \`docker login ${registry}\` and \`docker pull ${image}\` once (the install then uses the pulled image), or use a public image.`
      return new HomeportError('REGISTRY_AUTH', `${Via} wants a login to pull ${image}.`, { ...opts, hint: `Homeport pulls without a login: ${steps}` })
    }
    default:
      return new HomeportError(kind.code, `${Via} refused to pull ${image} for now: too many pulls (rate limit).`, opts)
  }
}
