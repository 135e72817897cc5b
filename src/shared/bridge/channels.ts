// Names of the main ↔ dashboard bridge. Kept free of zod so the sandboxed preload, which can
// load nothing but `electron`, bundles only these strings and derives its methods from them.

/** Each command of the contract: the method name on `window.nebula` → its IPC channel. */
export const InvokeChannel = {
  getInfo: 'app:get-info',
  getSnapshot: 'app:get-snapshot',
  signIn: 'auth:sign-in',
  signOut: 'auth:sign-out',
  saveProfile: 'profiles:save',
  removeProfile: 'profiles:remove',
  switchProfile: 'profiles:switch',
  testConnection: 'profiles:test-connection',
  setLocalDevMode: 'app:set-local-dev-mode',
  executeWorkflow: 'workflows:execute',
  cancelExecution: 'executions:cancel',
  getExecution: 'executions:get',
  listExecutions: 'executions:list',
  followLogs: 'logs:follow',
  unfollowLogs: 'logs:unfollow',
  reconnect: 'connection:reconnect',
  markFailuresSeen: 'failures:mark-seen',
  setNotificationPrefs: 'notifications:set-prefs',
  updateSettings: 'settings:update'
} as const
export type InvokeMethod = keyof typeof InvokeChannel
export type InvokeChannelName = (typeof InvokeChannel)[InvokeMethod]

/** The one event channel: main pushes batches of events (see EventBatchSchema). */
export const EVENT_CHANNEL = 'bridge:events'

/** The method on `window.nebula` that listens to event batches. */
export const EVENT_METHOD = 'onEvents'

/** The global the preload (or the browser transport) defines in the page (`window.nebula`). */
export const BRIDGE_GLOBAL = 'nebula'
