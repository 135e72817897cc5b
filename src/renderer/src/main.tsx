// First import: sets up React Fast Refresh in development, because the strict CSP blocks the
// inline preamble Vite would inject. An empty module in production builds.
import '@vitejs/plugin-react/preamble'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app'
import { createShellStore } from './store/shell-store'

const container = document.getElementById('root')
if (!container) throw new Error('index.html has no #root element')

// window.nebula is absent outside Nebula Desktop; the store then shows "bridge unavailable".
const store = createShellStore(window.nebula)
store.connect()

createRoot(container).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>
)
