import type { NebulaBridge } from '@shared/bridge/api'

// The renderer's view of the preload: `window.nebula` exists inside Nebula Desktop only, so it is
// optional here and the renderer must handle its absence (e.g. the page opened in a browser).
declare global {
  interface Window {
    nebula?: NebulaBridge
  }
}

export {}
