// The script a task's timer runs on the server (`sh SCRIPT run`), Homeport's "run now" (`sh SCRIPT live RUN`,
// which also prints the output as it comes) and its cancel (`sh SCRIPT stop RUN`, image tasks only). The
// command runs in the background with its output in the run's log, so the printing is only a reader of that
// log, and the record is written whoever watches. Each run
// writes its record (JSON) when it starts and when it ends, keeps the end of its log (TASK_LOG_BYTES), and
// removes the oldest runs beyond TASK_RUNS_KEPT. Every value from the task is shell-quoted by the one
// quoting function; the command is an argv, never a shell string.

import { TASK_LOG_BYTES, TASK_RUNS_KEPT, type TaskTargetDto } from '../../../shared/contract/tasks.js'
import { LABEL } from '../compose/engine/container-spec.js'
import { quoteArg, quoteArgv } from '../connection/quote.js'
import { scriptPreamble } from '../schedules/server-schedule.js'

/** Labels of a task's short-lived container, so it can be found (and told from an app's). */
export const TASK_LABEL = 'io.homeport.task'

export interface TaskScriptPlan {
  name: string
  target: TaskTargetDto
  command: string[]
  dockerSocket: string
  /** The folder of the task's run records and logs. */
  runsDir: string
  keep?: number
  maxLogBytes?: number
}

/** The lines that run the command, its output going to the caller's stdout and stderr. */
function commandLines(p: TaskScriptPlan): string[] {
  if (p.target.kind === 'image') {
    return [`  docker run --rm --label ${quoteArg(`${TASK_LABEL}=${p.name}`)} --label "${TASK_LABEL}.run=$run" ${quoteArgv([p.target.image, ...p.command])}`]
  }
  const { app, service } = p.target
  const find = quoteArgv(['docker', 'ps', '-q', '--filter', `label=${LABEL.project}=${app}`, '--filter', `label=${LABEL.service}=${service}`])
  return [
    `  c=$(${find} | head -n 1)`,
    `  [ -n "$c" ] || { echo ${quoteArg(`homeport: the service ${service} of ${app} is not running, so the task could not run in it`)}; return 125; }`,
    `  docker exec "$c" ${quoteArgv(p.command)}`,
  ]
}

/** `stop RUN`: an image task's container is removed, which ends its run (exit 137); a command in an app's service has no such handle. */
function stopLines(p: TaskScriptPlan): string[] {
  if (p.target.kind !== 'image') return ['[ "$mode" = stop ] && { echo "a run in a service of an app cannot be stopped from outside" >&2; exit 3; }']
  return ['if [ "$mode" = stop ]; then', `  ids=$(docker ps -q --filter ${quoteArg(`label=${TASK_LABEL}=${p.name}`)} --filter "label=${TASK_LABEL}.run=$run")`, '  [ -z "$ids" ] || docker rm -f $ids >/dev/null', '  exit 0', 'fi']
}

/**
 * One run of a task at a time: cron starts a run even while the last one goes on (a slow backup dump every
 * minute would pile up), so a run that finds another one alive writes a `skipped` record naming it and ends
 * with 75 (EX_TEMPFAIL). The lock is a folder (mkdir is atomic) holding the run's pid and id; a holder whose
 * pid is gone (killed, the server rebooted) no longer counts. Pids come round again (after a reboot the same
 * pid may be an unrelated process), so where /proc exists the lock also holds the pid's start time, and a
 * live pid that started at another time is not the holder.
 */
function oneRunAtATime(): string[] {
  return [
    'lock="$runs/.running"',
    // Field 22 of /proc/PID/stat, counted after the command name, which may itself hold spaces and ")".
    'pid_since() { [ -r "/proc/$1/stat" ] && sed \'s/^.*) //\' "/proc/$1/stat" 2>/dev/null | cut -d" " -f20; }',
    'holder_alive() {',
    '  _p=$(cat "$lock/pid" 2>/dev/null) && [ -n "$_p" ] && kill -0 "$_p" 2>/dev/null || return 1',
    '  _s=$(cat "$lock/since" 2>/dev/null) && [ -n "$_s" ] || return 0',
    '  [ "$_s" = "$(pid_since "$_p")" ]',
    '}',
    'took=',
    'for _try in 1 2 3; do',
    '  if mkdir "$lock" 2>/dev/null; then took=1; break; fi',
    '  # A holder that has just made the folder may not have written its pid yet.',
    '  holder_alive || { sleep 1; holder_alive; } && break',
    '  rm -rf -- "$lock"',
    'done',
    'if [ -z "$took" ]; then',
    '  other=$(cat "$lock/run" 2>/dev/null)',
    '  printf \'{"task":"%s","run":"%s","status":"skipped","skippedFor":"%s","startedAt":"%s","endedAt":"%s","durationMs":0}\\n\' "$task" "$run" "$other" "$(now_iso)" "$(now_iso)" >"$rec"',
    '  echo "homeport: the run $other of $task is still going, so this run was skipped" >&2',
    '  exit 75',
    'fi',
    'echo "$$" >"$lock/pid"; echo "$run" >"$lock/run"; pid_since $$ >"$lock/since"',
    'trap \'rm -rf -- "$lock"\' EXIT',
    "trap 'exit 143' TERM HUP INT",
  ]
}

export function taskScript(p: TaskScriptPlan): string {
  return [
    '#!/bin/sh',
    `# Homeport: the scheduled task ${p.name} on this server (sh THIS run; sh THIS live RUN also prints its output).`,
    '# Written by Homeport when the task was added; adding it again rewrites it.',
    ...scriptPreamble(p.dockerSocket),
    `task=${quoteArg(p.name)}`,
    `runs=${quoteArg(p.runsDir)}`,
    `keep=${p.keep ?? TASK_RUNS_KEPT}`,
    `max_log=${p.maxLogBytes ?? TASK_LOG_BYTES}`,
    'mode=${1:-run}',
    'case $mode in',
    '  run) run=$(date -u +%Y%m%dT%H%M%SZ)-$$ ;;',
    '  live) run=${2-}; case $run in "" | *[!A-Za-z0-9-]*) echo "usage: $0 live RUN" >&2; exit 2 ;; esac ;;',
    '  stop) run=${2-}; case $run in "" | *[!A-Za-z0-9-]*) echo "usage: $0 stop RUN" >&2; exit 2 ;; esac ;;',
    '  *) echo "usage: $0 run | live RUN | stop RUN" >&2; exit 2 ;;',
    'esac',
    ...stopLines(p),
    'mkdir -p "$runs" || exit 1',
    'log="$runs/$run.log" rec="$runs/$run.json"',
    '# Milliseconds since the epoch where date knows %N, else whole seconds.',
    'now_ms() { _t=$(date +%s%N); case $_t in *[!0-9]*) echo $(($(date +%s) * 1000)) ;; *) echo $((_t / 1000000)) ;; esac; }',
    'now_iso() { date -u +%Y-%m-%dT%H:%M:%SZ; }',
    ...oneRunAtATime(),
    'started=$(now_iso) t0=$(now_ms)',
    'printf \'{"task":"%s","run":"%s","status":"running","startedAt":"%s"}\\n\' "$task" "$run" "$started" >"$rec"',
    'task_command() {',
    ...commandLines(p),
    '}',
    '# The log exists before the command starts, so a reader that opens it at once finds it.',
    ': >"$log"',
    'task_command >>"$log" 2>&1 </dev/null &',
    'pid=$!',
    'followed=',
    'if [ "$mode" = live ] && tail --version 2>/dev/null | grep -q GNU; then',
    '  tail -n +1 -f --pid="$pid" -- "$log" 2>/dev/null && followed=1',
    'fi',
    'wait "$pid"',
    'rc=$?',
    '# The command has ended: the next run may start while this one writes its record.',
    'rm -rf -- "$lock"; trap - EXIT',
    '[ "$mode" = live ] && [ -z "$followed" ] && cat -- "$log" 2>/dev/null',
    't1=$(now_ms)',
    'size=$(wc -c <"$log")',
    'truncated=false',
    'if [ "$size" -gt "$max_log" ]; then',
    '  { printf \'[Homeport kept the last %s bytes of %s]\\n\' "$max_log" "$size"; tail -c "$max_log" -- "$log"; } >"$log.tmp" && mv -f -- "$log.tmp" "$log"',
    '  truncated=true size=$(wc -c <"$log")',
    'fi',
    'status=ok',
    '[ "$rc" -eq 0 ] || status=failed',
    'printf \'{"task":"%s","run":"%s","status":"%s","exitCode":%s,"startedAt":"%s","endedAt":"%s","durationMs":%s,"logBytes":%s,"truncated":%s}\\n\' \\',
    '  "$task" "$run" "$status" "$rc" "$started" "$(now_iso)" "$((t1 - t0))" "$size" "$truncated" >"$rec.tmp" && mv -f -- "$rec.tmp" "$rec"',
    '# The oldest runs beyond the last $keep go (run ids start with their UTC time, so they sort by age).',
    'set -- "$runs"/*.json',
    'n=$#',
    'for f; do',
    '  [ "$n" -gt "$keep" ] || break',
    '  rm -f -- "$f" "${f%.json}.log"',
    '  n=$((n - 1))',
    'done',
    'exit "$rc"',
    '',
  ].join('\n')
}
