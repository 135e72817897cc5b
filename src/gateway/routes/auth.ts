import { ErrorCode, LoginRequestSchema } from '@shared/protocol'
import type { LoginResponse } from '@shared/protocol'
import { HttpError, validate } from './route'
import type { Route, RouteDeps } from './route'

/** Lifetime of tokens from `POST /auth/login`. */
const LOGIN_TOKEN_LIFETIME_S = 3600
/**
 * The one dev account, username `dev`, password `dev`: a fixed password guards nothing, so it
 * answers only on a gateway started with `devLogin` (`--dev-login`).
 */
const DEV_USER = { username: 'dev', password: 'dev', roles: ['admin'] }

/** `POST /auth/login`: the dev account when enabled, else a 404 that says how to enable it. */
export function authRoutes(deps: Pick<RouteDeps, 'auth' | 'loginLimiter' | 'devLogin'>): Route[] {
  if (!deps.devLogin) {
    return [
      {
        method: 'POST',
        path: '/auth/login',
        auth: false,
        readsBody: false,
        handle: () => {
          throw new HttpError(
            404,
            ErrorCode.NotFound,
            'login is disabled on this gateway (start it with --dev-login to enable the dev account)'
          )
        }
      }
    ]
  }
  return [
    {
      method: 'POST',
      path: '/auth/login',
      auth: false,
      readsBody: true,
      handle: async (req) => {
        if (!deps.loginLimiter.tryConsume(req.remoteAddress)) {
          const retry = Math.ceil(deps.loginLimiter.retryAfterMs(req.remoteAddress) / 1000)
          throw new HttpError(
            429,
            ErrorCode.RateLimitExceeded,
            'too many login attempts',
            undefined,
            {
              'Retry-After': String(Math.max(1, retry))
            }
          )
        }
        const login = validate(LoginRequestSchema, req.body, 'login request')
        if (login.username !== DEV_USER.username || login.password !== DEV_USER.password) {
          throw new HttpError(401, ErrorCode.Unauthorized, 'invalid username or password')
        }
        const body: LoginResponse = {
          access_token: await deps.auth.mint({
            sub: DEV_USER.username,
            roles: DEV_USER.roles,
            expiresInSeconds: LOGIN_TOKEN_LIFETIME_S
          }),
          token_type: 'Bearer',
          expires_in: LOGIN_TOKEN_LIFETIME_S
        }
        return { status: 200, body }
      }
    }
  ]
}
