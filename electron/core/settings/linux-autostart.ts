// Start at login on Linux desktops: Electron's login items exist only on macOS and Windows, so the desktop
// app writes (or removes) an XDG autostart entry, ~/.config/autostart/homeport.desktop, which every
// freedesktop session (GNOME, KDE, Xfce…) runs at login.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const FILE = 'homeport.desktop'

/**
 * One argument of a desktop entry's Exec line: always quoted, with `"`, `` ` ``, `$` and `\` escaped inside
 * the quotes, then every backslash doubled (the string-value escape applies first when the file is read),
 * and `%` doubled (a lone `%` starts a field code).
 */
export function execArgument(arg: string): string {
  if (/[\n\r\0]/.test(arg)) throw new Error('An autostart command cannot hold a line break or a NUL character.')
  const quoted = `"${arg.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%')
}

export function autostartEntry(command: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Homeport',
    'Comment=Watches your home servers from the tray',
    `Exec=${command.map(execArgument).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n')
}

/** Where the entry lives: $XDG_CONFIG_HOME/autostart, or ~/.config/autostart. */
export function autostartPath(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const config = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config')
  return path.join(config, 'autostart', FILE)
}

/** Writes the entry for `command` when `on`, removes it otherwise (a missing one is fine). */
export function applyLinuxAutostart(on: boolean, command: string[], file = autostartPath()): void {
  if (!on) {
    fs.rmSync(file, { force: true })
    return
  }
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(temp, autostartEntry(command), { mode: 0o644 })
  fs.renameSync(temp, file)
}
