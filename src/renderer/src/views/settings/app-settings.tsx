import type { AppInfo, SettingsView } from '@shared/bridge'
import { SettingCheckbox } from '@renderer/components/setting-checkbox'
import { useBridge } from '@renderer/store/use-dashboard'

/** Local dev mode, launch at login, close to tray, and what is running. */
export function AppSettings({ settings, info }: { settings: SettingsView; info: AppInfo | null }) {
  const bridge = useBridge()
  const desktopOnly = info?.transport === 'browser' && (
    <span className="muted"> (applies to the desktop app)</span>
  )
  return (
    <section
      className="panel settings-section"
      aria-labelledby="app-title"
      data-testid="app-settings"
    >
      <h2 id="app-title" className="panel__title">
        App
      </h2>
      <SettingCheckbox
        checked={settings.local_dev_mode}
        onCommit={(enabled) => bridge.setLocalDevMode({ enabled })}
        testId="local-dev-mode"
      >
        <span>
          Local dev mode{' '}
          <span className="muted">
            — run the bundled gateway with demo workflows on this machine
          </span>
        </span>
      </SettingCheckbox>
      <SettingCheckbox
        checked={settings.launch_at_login}
        onCommit={(on) => bridge.updateSettings({ launch_at_login: on })}
        testId="launch-at-login"
      >
        <span>
          Start Nebula Desktop when I log in
          {desktopOnly}
        </span>
      </SettingCheckbox>
      <SettingCheckbox
        checked={settings.close_to_tray}
        onCommit={(on) => bridge.updateSettings({ close_to_tray: on })}
        testId="close-to-tray"
      >
        <span>
          Keep running in the tray when the window is closed
          {desktopOnly}
        </span>
      </SettingCheckbox>
      {info && (
        <p className="muted about" data-testid="about">
          {info.name} {info.version} · {info.platform} ·{' '}
          {info.transport === 'browser' ? 'in a browser (nebula-desktop ui)' : 'desktop app'}
        </p>
      )}
    </section>
  )
}
