import { networkInterfaces } from 'node:os'

/** This machine's first IPv4 address that is not loopback, if it has one. */
export function nonLoopbackAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address
}
