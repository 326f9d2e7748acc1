// Whether the window is narrow (a laptop split screen, 900×600): the shell then folds the sidebar away so
// the page keeps room for its tables.

import { onBeforeUnmount, ref, type Ref } from 'vue'

export const NARROW_WIDTH = 1000

export function useNarrowWindow(maxWidth = NARROW_WIDTH): Ref<boolean> {
  const query = window.matchMedia(`(max-width: ${maxWidth}px)`)
  const narrow = ref(query.matches)
  const onChange = (event: MediaQueryListEvent) => (narrow.value = event.matches)
  query.addEventListener('change', onChange)
  onBeforeUnmount(() => query.removeEventListener('change', onChange))
  return narrow
}
