import type { AppInfoState } from '../store/shell-store'
import type { ConnectionView } from '../connection-view'
import { ConnectionBadge } from './connection-badge'

/** The top bar: product name, running version, connection badge. */
export function Header({
  appInfo,
  connection
}: {
  appInfo: AppInfoState
  connection: ConnectionView
}) {
  return (
    <header className="header">
      <div className="header__brand">
        <BrandMark />
        <h1 className="header__title">Nebula Desktop</h1>
        <Version appInfo={appInfo} />
      </div>
      <ConnectionBadge view={connection} />
    </header>
  )
}

function Version({ appInfo }: { appInfo: AppInfoState }) {
  if (appInfo.status === 'unavailable' || appInfo.status === 'loading') return null
  if (appInfo.status === 'failed') {
    return (
      <span
        className="header__version header__version--unknown"
        data-testid="app-version"
        title={appInfo.message}
      >
        version unknown
      </span>
    )
  }
  return (
    <span className="header__version" data-testid="app-version" title={appInfo.info.platform}>
      v{appInfo.info.version}
    </span>
  )
}

/** The app icon's orbit mark, drawn inline so it needs no request and follows the theme colours. */
function BrandMark() {
  return (
    <svg className="header__mark" viewBox="-12 -12 24 24" width="24" height="24" aria-hidden="true">
      <g transform="rotate(-28)">
        <ellipse className="header__mark-orbit" rx="10.6" ry="3.3" />
        <circle className="header__mark-core" r="4.6" />
        {/* The orbit's front half passes over the core. */}
        <path className="header__mark-orbit" d="M -10.6 0 A 10.6 3.3 0 0 0 10.6 0" />
      </g>
    </svg>
  )
}
