import { describe, expect, it } from 'vitest'
import { axisRange, BYTE_INCREMENTS, formatValue, tickLabels } from './chart-units.js'

describe('chart units', () => {
  it('labels every tick of a byte-rate axis in the unit of the largest, never in scientific notation', () => {
    expect(tickLabels('rate', [0, 200, 400, 600])).toEqual(['0 B/s', '200 B/s', '400 B/s', '600 B/s'])
    expect(tickLabels('rate', [0, 256, 512, 768, 1024])).toEqual(['0 KiB/s', '0.25 KiB/s', '0.50 KiB/s', '0.75 KiB/s', '1.00 KiB/s'])
    expect(tickLabels('rate', [0, 5_000_000, 10_000_000])).toEqual(['0 MiB/s', '4.8 MiB/s', '9.5 MiB/s'])
    expect(tickLabels('bytes', [0, 2 * 1024 ** 3, 4 * 1024 ** 3])).toEqual(['0 GiB', '2 GiB', '4 GiB'])
    for (const label of tickLabels('rate', [0, 1e-9, 2e-9])) expect(label).not.toMatch(/e-/)
  })

  it('gives quiet series a readable axis: a floor above zero, percent up to 100', () => {
    expect(axisRange('rate', 0, 0)).toEqual([0, 1024])
    expect(axisRange('rate', 0, 1e-9)).toEqual([0, 1024])
    expect(axisRange('percent', 0, 3)).toEqual([0, 10])
    expect(axisRange('percent', 0, 95)).toEqual([0, 100])
    expect(axisRange('percent', 0, 250)[1]).toBeCloseTo(275)
    expect(axisRange('celsius', null, null)).toEqual([0, 40])
    expect(axisRange('bytes', 0, 8 * 1024 ** 3)[1]).toBeGreaterThan(8 * 1024 ** 3)
  })

  it('labels percent and temperature ticks with just enough decimals', () => {
    expect(tickLabels('percent', [0, 20, 40])).toEqual(['0 %', '20 %', '40 %'])
    expect(tickLabels('percent', [0, 0.5, 1])).toEqual(['0 %', '0.5 %', '1.0 %'])
    expect(tickLabels('bytes', [0, 5 * 1024 ** 3, 10 * 1024 ** 3, 15 * 1024 ** 3])).toEqual(['0 GiB', '5 GiB', '10 GiB', '15 GiB'])
    expect(tickLabels('celsius', [30, 40])).toEqual(['30 °C', '40 °C'])
  })

  it('spaces byte ticks on round binary units', () => {
    expect(BYTE_INCREMENTS).toEqual(expect.arrayContaining([1, 500 * 1024, 5 * 1024 ** 3]))
    expect([...BYTE_INCREMENTS].sort((a, b) => a - b)).toEqual(BYTE_INCREMENTS)
  })

  it('writes single values for legends and tiles, and a dash for no data', () => {
    expect(formatValue('percent', 12.345)).toBe('12.3 %')
    expect(formatValue('rate', 1536)).toBe('1.5 KiB/s')
    expect(formatValue('rate', 1e-9)).toBe('0 B/s')
    expect(formatValue('celsius', 48.6)).toBe('49 °C')
    expect(formatValue('bytes', null)).toBe('–')
    expect(formatValue('percent', undefined)).toBe('–')
  })
})
