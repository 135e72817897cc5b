export * from './api'
export * from './channels'
export * from './contract'
export * from './views'
