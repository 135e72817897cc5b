// First import: sets up React Fast Refresh in development, because the strict CSP blocks the
// inline preamble Vite would inject. An empty module in production builds.
import '@vitejs/plugin-react/preamble'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app'
import { installBrowserBridge } from './bridge/ws-bridge'
import { DashboardStore } from './store/dashboard-store'
import { StoreProvider } from './store/use-dashboard'

const container = document.getElementById('root')
if (!container) throw new Error('index.html has no #root element')
const root = createRoot(container)

/** Starts the dashboard over `window.nebula` (absent outside the app: it then says so). */
function start(): void {
  const store = new DashboardStore(window.nebula)
  store.start()
  root.render(
    <StrictMode>
      <StoreProvider store={store}>
        <App />
      </StoreProvider>
    </StrictMode>
  )
}

// In Electron the preload has already defined window.nebula; in a browser (`nebula-desktop
// ui`) the WebSocket transport defines it once its socket is open.
installBrowserBridge().then(start, (error: unknown) => {
  console.error('nebula: the browser bridge could not start', error)
  start()
})
