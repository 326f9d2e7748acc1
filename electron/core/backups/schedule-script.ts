// The script a schedule runs on the server (`sh SCRIPT backup|check|drill`), written from the same runs the
// core makes through the Docker API: each restic container is `containerOptions(run)` spelled as
// `docker run`, the stop/start or pre/post hooks are the docker CLI's twins of what the core does, and the
// retention is the same `forget`. Every value is shell-quoted by the one quoting function. The secrets the
// core would put into the container come from 0600 files on the server, bind-mounted read-only.
// Each run appends a "started" line and an "ok" or "failed" line (JSON) to the run log.

import { LABEL } from '../compose/engine/container-spec.js'
import { quoteArg, quoteArgv } from '../connection/quote.js'
import { scriptPreamble } from '../schedules/server-schedule.js'
import type { Hook } from './app-hooks.js'
import { containerOptions, SECRETS_DIR, type ResticRun } from './restic-container.js'

export type PlannedRun = Omit<ResticRun, 'docker' | 'secrets' | 'signal' | 'onStdoutLine'>

export interface SchedulePlan {
  app: string
  /** The Docker socket on the server (the one the core reaches through SSH). */
  dockerSocket: string
  logPath: string
  /** The folder of 0600 files mounted where the core puts the run's secrets. */
  secretsDir: string
  backup: { consistency: 'stop' | 'hooks'; pre?: Hook; post?: Hook; snapshot: PlannedRun; forget?: PlannedRun }
  check: PlannedRun
  /** The drill: scratch volumes (created empty, removed afterwards) and the restore into them. */
  drill: { scratchVolumes: string[]; restore: PlannedRun }
}

/** One field of `docker run --mount`, CSV-quoted when it holds a comma or a quote. */
function mountField(key: string, value: string): string {
  const field = `${key}=${value}`
  return /[",]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field
}

/** `docker run` with exactly the container the core would create. */
export function dockerRunArgv(run: PlannedRun, secretsDir: string): string[] {
  const o = containerOptions(run)
  const argv = ['docker', 'run', '--rm', '--entrypoint', (o.Entrypoint as string[])[0], '--user', o.User ?? '0:0']
  for (const e of o.Env ?? []) argv.push('--env', e)
  for (const [k, v] of Object.entries(o.Labels ?? {})) argv.push('--label', `${k}=${v}`)
  argv.push('--network', o.HostConfig?.NetworkMode ?? 'none')
  for (const b of o.HostConfig?.Binds ?? []) argv.push('--volume', b)
  const mounts = [...(o.HostConfig?.Mounts ?? []), { Type: 'bind', Source: secretsDir, Target: SECRETS_DIR, ReadOnly: true }]
  for (const m of mounts) {
    argv.push('--mount', [mountField('type', m.Type!), mountField('source', m.Source!), mountField('target', m.Target!), ...(m.ReadOnly ? ['readonly'] : [])].join(','))
  }
  return [...argv, o.Image!, ...(o.Cmd as string[])]
}

function projectFilter(app: string): string[] {
  return ['--filter', `label=${LABEL.project}=${app}`]
}

function hookLines(app: string, hook: Hook, which: 'pre' | 'post'): string[] {
  const find = quoteArgv(['docker', 'ps', '-q', ...projectFilter(app), '--filter', `label=${LABEL.service}=${hook.service}`])
  return [
    `  c=$(${find} | head -n 1)`,
    `  [ -n "$c" ] || fail ${quoteArg(`the ${which}-backup hook runs in service ${hook.service}, which is not running`)}`,
    `  docker exec "$c" ${quoteArgv(hook.command)} >"$out" 2>"$err" || fail "the ${which}-backup hook failed: $(last_error)"`,
  ]
}

export function scheduleScript(p: SchedulePlan): string {
  const run = (r: PlannedRun) => quoteArgv(dockerRunArgv(r, p.secretsDir))
  const b = p.backup
  const stop = b.consistency === 'stop'
  const body = [
    '#!/bin/sh',
    `# Homeport: the scheduled backups of ${p.app} on this server (sh THIS backup|check|drill).`,
    '# Written by Homeport from the plan of a run started in Homeport; setting the schedule again rewrites it.',
    ...scriptPreamble(p.dockerSocket),
    `log=${quoteArg(p.logPath)}`,
    `app=${quoteArg(p.app)}`,
    'kind=${1:-backup}',
    'case $kind in backup | check | drill) ;; *) echo "usage: $0 backup|check|drill" >&2; exit 2 ;; esac',
    'run=$(date -u +%Y%m%dT%H%M%SZ)-$$',
    'out=$(mktemp) err=$(mktemp)',
    'trap \'rm -f "$out" "$err"\' EXIT',
    '# entry STATUS [SNAPSHOT] [ERROR]: one JSON line in the run log (the error stripped of what JSON would escape).',
    'entry() {',
    '  printf \'{"app":"%s","kind":"%s","status":"%s","time":"%s","run":"%s"\' "$app" "$kind" "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$run"',
    '  [ -n "${2-}" ] && printf \',"snapshotId":"%s"\' "$2"',
    '  [ -n "${3-}" ] && printf \',"error":"%s"\' "$(printf \'%s\' "$3" | tr -d \'\\000-\\037"\\\\\' | cut -c1-500)"',
    '  printf \'}\\n\'',
    '}',
    'record() { entry "$@" >>"$log"; }',
    'fail() { record failed "" "$1"; exit 1; }',
    'last_error() { tail -n 4 "$err" | tr \'\\n\' \' \'; }',
    '',
    'backup() {',
    ...(stop
      ? [
          `  ids=$(${quoteArgv(['docker', 'ps', '-q', ...projectFilter(p.app)])})`,
          '  if [ -n "$ids" ]; then',
          '    # shellcheck disable=SC2086 # container ids are plain hex words',
          '    docker stop $ids >/dev/null 2>"$err" || { docker start $ids >/dev/null 2>&1; fail "could not stop the app: $(last_error)"; }',
          '  fi',
        ]
      : b.pre
        ? hookLines(p.app, b.pre, 'pre')
        : []),
    `  ${run(b.snapshot)} >"$out" 2>"$err"`,
    '  rc=$?',
    ...(stop ? ['  [ -z "$ids" ] || docker start $ids >/dev/null 2>>"$err" || fail "the app did not start again: $(last_error)"'] : b.post ? ['  saved=$(last_error)', ...hookLines(p.app, b.post, 'post').map((l) => l.replace('>"$out"', '>/dev/null')), '  printf \'%s\' "$saved" >"$err"'] : []),
    '  [ "$rc" -eq 0 ] || fail "restic backup exited with $rc: $(last_error)"',
    '  snap=$(grep \'"message_type":"summary"\' "$out" | sed -n \'s/.*"snapshot_id":"\\([0-9a-f]*\\)".*/\\1/p\' | tail -n 1)',
    ...(b.forget ? [`  ${run(b.forget)} >/dev/null 2>"$err" || fail "the retention (forget --prune) failed: $(last_error)"`] : []),
    '  record ok "$snap"',
    '}',
    '',
    'check() {',
    `  ${run(p.check)} >"$out" 2>"$err" || fail "restic check found a problem: $(last_error)"`,
    '  record ok',
    '}',
    '',
    'drill() {',
    `  docker volume rm -f ${quoteArgv(p.drill.scratchVolumes)} >/dev/null 2>&1`,
    ...p.drill.scratchVolumes.map((v) => `  docker volume create --label io.homeport.backup=staging ${quoteArg(v)} >/dev/null 2>"$err" || fail "could not create a scratch volume: $(last_error)"`),
    `  ${run(p.drill.restore)} >"$out" 2>"$err"`,
    '  rc=$?',
    `  docker volume rm -f ${quoteArgv(p.drill.scratchVolumes)} >/dev/null 2>&1`,
    '  [ "$rc" -eq 0 ] || fail "the restore drill found damage or failed (exit $rc): $(last_error)"',
    '  record ok "$(sed -n \'s/^restoring <Snapshot \\([0-9a-f]*\\) .*/\\1/p\' "$out" | head -n 1)"',
    '}',
    '',
    'record started',
    '"$kind"',
    '',
  ]
  return body.join('\n')
}
