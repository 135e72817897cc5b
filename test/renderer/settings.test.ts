import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright'
import { describe, expect, it } from 'vitest'
import { freePort } from '../fixtures/gateway'
import { useDashboardSpecs, waitForDashboard } from './dashboard-page'

// Settings in Chromium against the real app service: errors appear next to the field that caused
// them, and what was changed is still there after a reload and after the app restarts on the
// same settings file.

describe('settings', () => {
  const specs = useDashboardSpecs('settings')

  /** A settings directory of its own, removed after the test. */
  function freshSettingsDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'nebula-dash-settings-'))
    specs.afterThisTest(() => rmSync(dir, { recursive: true, force: true }))
    return dir
  }

  /** What the settings view shows, read from the page. */
  async function readSettings(page: Page) {
    const staging = page.locator('[data-testid="profile-card"]').filter({ hasText: 'Staging' })
    return {
      staging: await staging.count(),
      stagingWatched: (await staging.count())
        ? await staging.getByTestId('profile-enabled').isChecked()
        : null,
      singles: await page.getByTestId('singles-per-minute').inputValue(),
      paused: (await page.getByTestId('paused-until').textContent())?.trim(),
      etlNotifies: await page
        .locator('[data-testid="workflow-notify"][data-workflow-id="wf_nightly_etl"]')
        .isChecked(),
      recovered: await page.getByTestId('notify-recovered').isChecked(),
      launchAtLogin: await page.getByTestId('launch-at-login').isChecked(),
      closeToTray: await page.getByTestId('close-to-tray').isChecked()
    }
  }

  /** Adds "Staging" (not watched) through the form, meeting its errors on the way. */
  async function addProfileThroughErrors(page: Page) {
    // A server profile: a bad address is refused next to the address field.
    await page.getByTestId('add-profile').click()
    const form = page.getByTestId('profile-form')
    await form.getByTestId('profile-name').fill('Staging')
    await form.getByTestId('profile-url').fill('staging.example.com')
    await form.getByLabel('Watch this server').uncheck()
    await form.getByTestId('profile-save').click()
    const urlError = form.getByTestId('profile-url-error')
    await urlError.waitFor()
    expect(await urlError.textContent()).toMatch(/http\(s\):\/\/ or ws\(s\):\/\//)
    expect(await form.getByTestId('profile-url').getAttribute('aria-invalid')).toBe('true')
    expect(await form.getByTestId('profile-name-error').count()).toBe(0)
    // "Test connection" says why a server cannot be used, before anything is saved.
    await form.getByTestId('profile-url').fill(`http://127.0.0.1:${await freePort()}`)
    await form.getByTestId('test-connection').click()
    const tested = form.getByTestId('test-result')
    await tested.waitFor()
    expect(await tested.textContent()).toMatch(/^\s*Failed: /)
    await form.getByTestId('profile-url').fill('https://staging.example.com')
    await form.getByTestId('profile-save').click()
    await form.waitFor({ state: 'detached' })
  }

  it('shows errors next to their field, and keeps every change across a reload and a restart', async () => {
    const settingsDir = freshSettingsDir()
    const first = await specs.open({ server: { localDevMode: true, settingsDir } })
    const { ui, page } = first
    await ui.open('#/settings')
    await page
      .locator('[data-testid="workflow-notify"][data-workflow-id="wf_nightly_etl"]')
      .waitFor()

    await addProfileThroughErrors(page)

    // Notifications: a number out of range is refused next to its field, a good one is kept.
    const singles = page.getByTestId('singles-per-minute')
    await singles.fill('99')
    await singles.press('Enter')
    await page.getByTestId('singles-error').waitFor()
    expect(await singles.getAttribute('aria-invalid')).toBe('true')
    await singles.fill('7')
    await singles.press('Enter')
    await page.getByTestId('singles-error').waitFor({ state: 'detached' })
    await page.getByTestId('pause-1h').click()
    await page.getByTestId('resume-notifications').waitFor()
    await page
      .locator('[data-testid="workflow-notify"][data-workflow-id="wf_nightly_etl"]')
      .uncheck()
    await page.getByTestId('notify-recovered').uncheck()
    await page.getByTestId('launch-at-login').check()
    await page.getByTestId('close-to-tray').uncheck()

    const expected = {
      staging: 1,
      stagingWatched: false,
      singles: '7',
      paused: expect.stringMatching(/^Paused until \d{4}-\d\d-\d\d \d\d:\d\d$/),
      etlNotifies: false,
      recovered: false,
      launchAtLogin: true,
      closeToTray: false
    }
    await expect.poll(() => readSettings(page)).toEqual(expected)

    // A reload shows the same at once.
    await page.reload()
    await waitForDashboard(page)
    await page
      .locator('[data-testid="workflow-notify"][data-workflow-id="wf_nightly_etl"]')
      .waitFor()
    expect(await readSettings(page)).toEqual(expected)
    await ui.expectClean()

    // So does the app started again on the same settings file.
    await first.close()
    const file = JSON.parse(readFileSync(join(settingsDir, 'settings.json'), 'utf8')) as {
      notifications: { singles_per_minute: number }
    }
    expect(file.notifications.singles_per_minute).toBe(7)
    const again = await specs.open({ server: { settingsDir } })
    await again.ui.open('#/settings')
    await again.page
      .locator('[data-testid="workflow-notify"][data-workflow-id="wf_nightly_etl"]')
      .waitFor()
    expect(await readSettings(again.page)).toEqual(expected)
    await again.ui.expectClean()
  })

  it('edits a profile (refusing a bad address there too) and removes it', async () => {
    const { ui } = await specs.open({
      server: {
        settingsDir: freshSettingsDir(),
        profiles: [
          {
            id: 'staging',
            name: 'Staging',
            server_url: 'https://staging.example.com',
            enabled: false
          }
        ]
      }
    })
    await ui.open('#/settings')
    const card = ui.page.locator('[data-testid="profile-card"]').filter({ hasText: 'Staging' })
    await card.getByTestId('profile-edit').click()
    const edit = card.getByTestId('profile-form')
    await edit.getByTestId('profile-url').fill('ftp://staging.example.com')
    await edit.getByTestId('profile-save').click()
    await edit.getByTestId('profile-url-error').waitFor()
    await edit.getByTestId('profile-url').fill('https://staging.example.com')
    await edit.getByTestId('profile-name').fill('Staging EU')
    await edit.getByTestId('profile-save').click()
    await edit.waitFor({ state: 'detached' })
    const renamed = ui.page
      .locator('[data-testid="profile-card"]')
      .filter({ hasText: 'Staging EU' })
    await renamed.waitFor()
    await renamed.getByTestId('profile-remove').click()
    await renamed.getByTestId('profile-remove-confirm').click()
    await renamed.waitFor({ state: 'detached' })
    await ui.page.getByTestId('no-profiles').waitFor()
    await ui.expectClean()
  })
})
