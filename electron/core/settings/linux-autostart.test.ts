import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { applyLinuxAutostart, autostartEntry, autostartPath, execArgument } from './linux-autostart.js'

let dir: string | undefined
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

describe('the XDG autostart entry', () => {
  it('quotes every argument of Exec as the desktop entry spec wants', () => {
    expect(execArgument('/opt/Homeport/homeport')).toBe('"/opt/Homeport/homeport"')
    expect(execArgument('/home/me/My Apps/Homeport.AppImage')).toBe('"/home/me/My Apps/Homeport.AppImage"')
    // Inside the quotes: \" \` \$ \\ ; then the string escape doubles each backslash; % becomes %%.
    expect(execArgument('a"b`c$d\\e%f')).toBe('"a\\\\"b\\\\`c\\\\$d\\\\\\\\e%%f"')
    expect(() => execArgument('a\nb')).toThrow(/line break/)
  })

  it('names the app and starts it with the flag that keeps the window closed', () => {
    const entry = autostartEntry(['/opt/Homeport/homeport', '--started-at-login'])
    expect(entry).toContain('[Desktop Entry]\nType=Application\nName=Homeport\n')
    expect(entry).toContain('Exec="/opt/Homeport/homeport" "--started-at-login"\n')
  })

  it('lives under XDG_CONFIG_HOME when it is set, else ~/.config', () => {
    expect(autostartPath({ XDG_CONFIG_HOME: '/cfg' }, '/home/me')).toBe('/cfg/autostart/homeport.desktop')
    expect(autostartPath({ XDG_CONFIG_HOME: 'relative' }, '/home/me')).toBe('/home/me/.config/autostart/homeport.desktop')
    expect(autostartPath({}, '/home/me')).toBe('/home/me/.config/autostart/homeport.desktop')
  })

  it('is written when turned on and removed when turned off', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeport-autostart-'))
    const file = path.join(dir, 'autostart', 'homeport.desktop')
    applyLinuxAutostart(true, ['/opt/Homeport/homeport', '--started-at-login'], file)
    expect(fs.readFileSync(file, 'utf8')).toContain('Exec="/opt/Homeport/homeport" "--started-at-login"')
    expect(fs.readdirSync(path.dirname(file))).toEqual(['homeport.desktop'])
    applyLinuxAutostart(false, [], file)
    expect(fs.existsSync(file)).toBe(false)
    applyLinuxAutostart(false, [], file)
  })
})
