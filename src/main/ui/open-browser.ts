import { spawn } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

// `ui --open`: the default browser, pointed at the dashboard. The URL with the key is not put on
// the opener's command line (any local user can read process arguments): a private (0600) page
// next to the settings redirects to it instead, and is removed once the browser had time to read
// it, or when `ui` stops.

/** How long the redirect page stays (the browser reads it at once; slow starts get a margin). */
const REDIRECT_LIFETIME_MS = 60_000

/** The opener command per platform, for a file or URL argument. */
export function openerCommand(platform: NodeJS.Platform, target: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [target]]
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', target]]
  return ['xdg-open', [target]]
}

/** Writes the private page that redirects to `urlWithKey`; answers its path and its removal. */
export function writeRedirectPage(
  urlWithKey: string,
  privateDir: string
): { path: string; remove: () => void } {
  const path = join(privateDir, `ui-open-${process.pid}.html`)
  const escaped = urlWithKey.replace(/&/g, '&amp;').replace(/"/g, '&quot;')
  writeFileSync(
    path,
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${escaped}"><title>Nebula Desktop</title>\n`,
    { mode: 0o600 }
  )
  return { path, remove: () => rmSync(path, { force: true }) }
}

/** Opens `urlWithKey` in the default browser; resolves to an error message, or undefined. */
export function openBrowser(
  urlWithKey: string,
  privateDir: string,
  platform: NodeJS.Platform = process.platform
): Promise<string | undefined> {
  const page = writeRedirectPage(urlWithKey, privateDir)
  const timer = setTimeout(page.remove, REDIRECT_LIFETIME_MS)
  timer.unref()
  process.once('exit', page.remove)
  const [command, args] = openerCommand(platform, pathToFileURL(page.path).href)
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true })
    child.once('error', (error: NodeJS.ErrnoException) => {
      page.remove()
      resolve(
        error.code === 'ENOENT'
          ? `could not open a browser (${command} is not installed); open the link above yourself`
          : `could not open a browser (${error.message}); open the link above yourself`
      )
    })
    child.once('spawn', () => {
      child.unref()
      resolve(undefined)
    })
  })
}
