export * from './api'
export * from './channels'
export * from './contract'
