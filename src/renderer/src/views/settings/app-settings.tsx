import type { AppInfo, SettingsView } from '@shared/bridge'
import { describeFailure } from '@renderer/lib/call'
import { useCommand } from '@renderer/lib/use-command'
import { useBridge } from '@renderer/store/use-dashboard'

/** Local dev mode, launch at login, close to tray, and what is running. */
export function AppSettings({ settings, info }: { settings: SettingsView; info: AppInfo | null }) {
  const bridge = useBridge()
  const local = useCommand()
  const app = useCommand()
  const desktop = info?.transport !== 'browser'
  return (
    <section
      className="panel settings-section"
      aria-labelledby="app-title"
      data-testid="app-settings"
    >
      <h2 id="app-title" className="panel__title">
        App
      </h2>
      <label className="check">
        <input
          type="checkbox"
          checked={settings.local_dev_mode}
          disabled={local.pending}
          onChange={(event) =>
            void local.run(() => bridge.setLocalDevMode({ enabled: event.target.checked }))
          }
          data-testid="local-dev-mode"
        />
        <span>
          Local dev mode{' '}
          <span className="muted">
            — run the bundled gateway with demo workflows on this machine
          </span>
        </span>
      </label>
      {local.error && (
        <p className="field-error" role="alert">
          {describeFailure(local.error)}
        </p>
      )}
      <label className="check">
        <input
          type="checkbox"
          checked={settings.launch_at_login}
          onChange={(event) =>
            void app.run(() => bridge.updateSettings({ launch_at_login: event.target.checked }))
          }
          data-testid="launch-at-login"
        />
        <span>
          Start Nebula Desktop when I log in
          {!desktop && <span className="muted"> (applies to the desktop app)</span>}
        </span>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={settings.close_to_tray}
          onChange={(event) =>
            void app.run(() => bridge.updateSettings({ close_to_tray: event.target.checked }))
          }
          data-testid="close-to-tray"
        />
        <span>
          Keep running in the tray when the window is closed
          {!desktop && <span className="muted"> (applies to the desktop app)</span>}
        </span>
      </label>
      {app.error && (
        <p className="field-error" role="alert">
          {describeFailure(app.error)}
        </p>
      )}
      {info && (
        <p className="muted about" data-testid="about">
          {info.name} {info.version} · {info.platform} ·{' '}
          {info.transport === 'browser' ? 'in a browser (nebula-desktop ui)' : 'desktop app'}
        </p>
      )}
    </section>
  )
}
