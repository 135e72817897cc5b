/** The gateway's version as reported by `GET /api/v1/health` (kept in step with package.json). */
export const GATEWAY_VERSION = '0.1.0'
