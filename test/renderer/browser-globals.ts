// The few browser globals the specs' page-side callbacks use. Those callbacks run in Chromium,
// but they are compiled with the Node tsconfig (no DOM lib), so they reach the page's globals
// through `globalThis as unknown as BrowserGlobals` (a type only: nothing is imported at run
// time, as Playwright serializes the callbacks).

interface PageNode {
  getAttribute(name: string): string | null
  textContent: string | null
}

export interface BrowserGlobals {
  document: {
    body: unknown
    activeElement: unknown
    documentElement: { outerHTML: string }
    querySelector(selector: string): PageNode | null
  }
  location: { hash: string }
  getComputedStyle(element: unknown): {
    outlineStyle: string
    outlineWidth: string
    getPropertyValue(name: string): string
  }
  addEventListener(
    type: 'securitypolicyviolation',
    listener: (event: { effectiveDirective: string; blockedURI: string }) => void
  ): void
  MutationObserver: new (callback: () => void) => {
    observe(target: unknown, options: Record<string, boolean>): void
  }
  /** Set by the specs' init scripts. */
  __cspViolations: string[]
  __progress: string[]
}
