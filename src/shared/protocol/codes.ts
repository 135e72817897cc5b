/** Error codes used in `error` messages and REST error bodies. */
export const ErrorCode = {
  Unauthorized: 'UNAUTHORIZED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  ValidationError: 'VALIDATION_ERROR',
  RateLimitExceeded: 'RATE_LIMIT_EXCEEDED',
  InternalError: 'INTERNAL_ERROR',
  SubscriptionFailed: 'SUBSCRIPTION_FAILED',
  InvalidResource: 'INVALID_RESOURCE',
  InvalidMessage: 'INVALID_MESSAGE'
} as const
export type ErrorCodeName = (typeof ErrorCode)[keyof typeof ErrorCode]

/** WebSocket close codes with a meaning in this protocol. */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  AbnormalClosure: 1006,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  /** Authentication failed or the token expired: do not retry until the token changes. */
  Unauthorized: 4401,
  /** Authenticated but not allowed: do not retry. */
  Forbidden: 4403
} as const

/** Subscription resources the protocol defines. */
export const Resource = {
  Execution: 'execution',
  WorkflowExecutions: 'workflow_executions',
  Workflows: 'workflows'
} as const
export const KNOWN_RESOURCES: readonly string[] = Object.values(Resource)

/** The id that means "every workflow" for `workflows` (documented) and `workflow_executions` (extension). */
export const ALL_ID = 'all'

/** The WebSocket path, relative to the server's base URL. */
export const WS_PATH = '/api/v1/ws'
/** The REST base path, relative to the server's base URL. */
export const REST_PATH = '/api/v1'
