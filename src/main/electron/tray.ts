import { join } from 'node:path'
import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron'
import type { TrayAction, TrayMenuItem, TrayModel, TrayState } from '@main/app/tray-model'

// The tray icon: shows a TrayModel (src/main/app/tray-model.ts) natively. The whole menu is
// rebuilt and set again on every change (Linux applies a changed menu only through a new
// setContextMenu call); icons are loaded once per state. Clicks become TrayActions.

export interface TrayDeps {
  Tray: new (image: NativeImage, guid?: string) => Tray
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): Menu }
  createImage: (path: string) => NativeImage
  platform: NodeJS.Platform
  /** Folder of tray-<state>.png, @2x and the macOS templates. */
  resourcesDir: string
  /** Windows wants a stable GUID for a packaged app's tray icon; other platforms ignore it. */
  guid?: string
  onAction: (action: TrayAction) => void
}

/** Shows the tray icon, tooltip and menu for the latest model. */
export class TrayIcon {
  private tray: Tray | null = null
  private readonly images = new Map<TrayState, NativeImage>()
  private shownState: TrayState | null = null
  private lastTooltip = ''

  constructor(private readonly deps: TrayDeps) {}

  /** Shows `model`: icon (when the state changed), tooltip, and a freshly built menu. */
  update(model: TrayModel): void {
    const image = this.imageFor(model.state)
    if (this.tray === null) {
      this.tray = new this.deps.Tray(image, ...(this.deps.guid ? [this.deps.guid] : []))
      // Windows delivers icon clicks (and some Linux trays do); macOS opens the menu on a
      // click, so the menu's first item opens the dashboard there and wherever no click comes.
      if (this.deps.platform !== 'darwin') {
        this.tray.on('click', () => this.deps.onAction({ type: 'open_dashboard' }))
      }
    } else if (this.shownState !== model.state) {
      this.tray.setImage(image)
    }
    this.shownState = model.state
    if (model.tooltip !== this.lastTooltip) {
      this.tray.setToolTip(model.tooltip)
      this.lastTooltip = model.tooltip
    }
    this.tray.setContextMenu(this.deps.Menu.buildFromTemplate(this.template(model.menu)))
  }

  /** The state shown now (null before the first update). */
  get state(): TrayState | null {
    return this.shownState
  }

  /**
   * Lets go of the tray. On Linux the icon is only dropped, not destroyed: destroying a tray
   * there can crash the process at quit (electron/electron#32581), and quitting removes it.
   */
  dispose(): void {
    if (this.tray && this.deps.platform !== 'linux') this.tray.destroy()
    this.tray = null
  }

  private imageFor(state: TrayState): NativeImage {
    let image = this.images.get(state)
    if (!image) {
      const template = this.deps.platform === 'darwin'
      const name = `tray-${state.replace(/_/g, '-')}${template ? 'Template' : ''}.png`
      // createFromPath picks up name@2x.png next to it for high-density displays.
      image = this.deps.createImage(join(this.deps.resourcesDir, name))
      if (template) image.setTemplateImage(true)
      this.images.set(state, image)
    }
    return image
  }

  private template(items: TrayMenuItem[]): MenuItemConstructorOptions[] {
    return items.map((item): MenuItemConstructorOptions => {
      switch (item.kind) {
        case 'separator':
          return { type: 'separator' }
        case 'label':
          return { label: this.label(item.label), enabled: false }
        case 'submenu':
          return { label: this.label(item.label), submenu: this.template(item.items) }
        case 'checkbox':
          return {
            type: 'checkbox',
            label: this.label(item.label),
            checked: item.checked,
            click: () => this.deps.onAction(item.action)
          }
        case 'action':
          return {
            label: this.label(item.label),
            enabled: item.enabled,
            click: () => this.deps.onAction(item.action)
          }
      }
    })
  }

  /** On Windows and Linux `&` marks a keyboard mnemonic; `&&` shows one `&`. */
  private label(text: string): string {
    return this.deps.platform === 'darwin' ? text : text.replace(/&/g, '&&')
  }
}
