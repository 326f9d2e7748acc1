import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { onBeforeUnmount, onMounted, watch, type Ref, type WatchSource } from 'vue'

const PALETTE = ['#2080f0', '#18a058', '#f0a020', '#d03050', '#8a2be2', '#13c2c2', '#eb2f96']

/** What a chart draws: one label per series and uPlot's columns (x first, then one per label). */
export interface ChartSeriesData {
  labels: string[]
  data: (number | null)[][] | unknown[]
}

/** Axis and grid colours for the theme, and a stable colour per series. */
export function chartStyle(dark: boolean) {
  return {
    axis: { stroke: dark ? '#c8c8c8' : '#333', grid: { stroke: dark ? 'rgba(255,255,255,0.08)' : 'rgba(0,0,0,0.08)' } },
    seriesColour: (i: number) => PALETTE[i % PALETTE.length],
  }
}

/**
 * One uPlot chart in `host`, sized to it. New series (a container came or went) need a new chart — uPlot
 * cannot add series in place; otherwise only the data moves, which keeps a live chart cheap.
 */
export function useUplot(
  host: Ref<HTMLElement | null>,
  height: number,
  options: (width: number) => uPlot.Options,
  columns: () => ChartSeriesData,
  rebuildOn: WatchSource[],
): void {
  let chart: uPlot | undefined
  let observer: ResizeObserver | undefined
  const width = () => Math.max(host.value?.clientWidth ?? 0, 200)

  function build(): void {
    chart?.destroy()
    chart = undefined
    if (!host.value) return
    chart = new uPlot({ ...options(width()), height }, columns().data as uPlot.AlignedData, host.value)
  }

  watch(columns, (next, previous) => {
    if (!chart || next.labels.join('\n') !== previous?.labels.join('\n')) build()
    else chart.setData(next.data as uPlot.AlignedData)
  })
  watch(rebuildOn, build)

  onMounted(() => {
    build()
    observer = new ResizeObserver(() => chart?.setSize({ width: width(), height }))
    if (host.value) observer.observe(host.value)
  })
  onBeforeUnmount(() => {
    observer?.disconnect()
    chart?.destroy()
  })
}
