import AxeBuilder from '@axe-core/playwright'
import { afterAll, describe, expect, it } from 'vitest'
import { screenshot, useDashboardSpecs } from './dashboard-page'
import type { BrowserGlobals } from './browser-globals'
import { mainViews, startPopulated } from './tour'
import type { Populated } from './tour'

// Every main view in both themes, with real content from the real core and gateways: axe finds
// no serious or critical violation, nothing is blocked by the CSP, and each view is saved as a
// screenshot (test-results/screenshots) for people to look at.

describe('accessibility of every view', () => {
  const specs = useDashboardSpecs('accessibility of every view')
  let world: Populated | undefined

  specs.beforeAll(async () => {
    world = await startPopulated()
  }, 60_000)
  afterAll(async () => {
    await world?.dispose()
  })

  for (const [index, colorScheme] of (['dark', 'light'] as const).entries()) {
    it(`has no serious or critical violation in the ${colorScheme} theme`, async () => {
      const { dash, failedIds } = world!
      const { ui } = await specs.open({ on: dash, colorScheme })
      const found: string[] = []
      for (const view of mainViews(failedIds[index])) {
        await view.open(ui)
        const results = await new AxeBuilder({ page: ui.page }).analyze()
        for (const violation of results.violations) {
          if (violation.impact !== 'serious' && violation.impact !== 'critical') continue
          const where = violation.nodes.map((node) => node.target.join(' ')).slice(0, 3)
          found.push(`${view.name}: ${violation.id} (${violation.impact}) at ${where.join(', ')}`)
        }
        await screenshot(ui.page, `${view.name}-${colorScheme}`)
      }
      expect(found).toEqual([])
      // The theme really is the one asked for.
      const scheme = await ui.page
        .locator('html')
        .evaluate((html) =>
          (globalThis as unknown as BrowserGlobals)
            .getComputedStyle(html)
            .getPropertyValue('color-scheme')
            .trim()
        )
      expect(scheme).toBe(colorScheme)
      await ui.expectClean()
    }, 90_000)
  }
})
