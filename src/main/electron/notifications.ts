import type { Notification, NotificationConstructorOptions } from 'electron'
import type { NotificationClick, PresentedNotification } from '@main/app/notification-presenter'

// Shows presented notifications natively. Every shown notification is held here until it is
// clicked, closed or fails: Electron keeps only a weak reference, and a collected notification
// silently stops delivering clicks. A newer notice with the same tag replaces the older one in
// place (macOS and Windows by identifier; Linux by closing the old one first).

type NotificationClass = {
  new (options: NotificationConstructorOptions): Notification
  isSupported(): boolean
}

export interface NotificationCenterOptions {
  Notification: NotificationClass
  platform: NodeJS.Platform
  /** The app icon (Linux and Windows show it; macOS uses the bundle's). */
  iconPath?: string
  onClick: (click: NotificationClick) => void
  log: (line: string) => void
}

/** How many shown notifications are held at most (the policy keeps far fewer on screen). */
const MAX_HELD = 100

/** Shows notifications and keeps each alive until the person is done with it. */
export class NotificationCenter {
  private readonly held = new Map<string, Notification>()
  private unsupportedSaid = false

  constructor(private readonly options: NotificationCenterOptions) {}

  /** Shows `presented`, replacing a shown notification with the same tag. */
  show(presented: PresentedNotification): void {
    const { Notification: NativeNotification, platform } = this.options
    if (!NativeNotification.isSupported()) {
      if (!this.unsupportedSaid) {
        this.options.log(
          'notifications are not supported here; the tray and dashboard show failures'
        )
        this.unsupportedSaid = true
      }
      return
    }
    const previous = this.held.get(presented.tag)
    this.held.delete(presented.tag)
    // Linux has no replace-by-id here: close the old one so the new one takes its place.
    if (previous && platform === 'linux') previous.close()
    const notification = new NativeNotification({
      title: presented.title,
      body: presented.body,
      ...(platform === 'darwin' || platform === 'win32' ? { id: presented.tag } : {}),
      ...(platform === 'linux' ? { urgency: presented.urgency } : {}),
      ...(this.options.iconPath && platform !== 'darwin' ? { icon: this.options.iconPath } : {})
    })
    this.held.set(presented.tag, notification)
    while (this.held.size > MAX_HELD) this.held.delete(this.held.keys().next().value as string)
    const release = (): void => {
      if (this.held.get(presented.tag) === notification) this.held.delete(presented.tag)
    }
    notification.on('click', () => {
      release()
      this.options.onClick(presented.click)
    })
    notification.on('close', release)
    notification.on('failed', (_event, error) => {
      release()
      this.options.log(`a notification could not be shown: ${error}`)
    })
    notification.show()
  }

  /** How many notifications are held (tests and leak checks). */
  get heldCount(): number {
    return this.held.size
  }

  /** Drops every reference (on quit; shown notifications stay where the system keeps them). */
  dispose(): void {
    this.held.clear()
  }
}
