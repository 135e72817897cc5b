import type { Random } from './random'

/** A log line an action writes while it runs. */
interface SimulatedLog {
  level: 'debug' | 'info' | 'warn'
  message: string
  metadata?: Record<string, unknown>
}

/** How one named action behaves in the simulation. */
export interface ActionBehavior {
  /** The result recorded when the action succeeds. */
  result(rng: Random): Record<string, unknown>
  /** Lines logged while the action runs (before its result). */
  progress?(rng: Random): SimulatedLog[]
  /** Realistic error messages, one picked when this action fails. */
  failures: readonly string[]
  /** Relative chance that this action is the one that fails (default 1). */
  failureWeight?: number
  /** The budget quoted when the action times out. */
  timeoutMs?: number
}

/** A demo workflow: stable id, name and ordered actions. */
interface DemoWorkflow {
  id: string
  name: string
  description: string
  actions: ReadonlyArray<{ id: string; name: string; behavior: ActionBehavior }>
}

const money = (rng: Random): number => rng.int(500, 250_000) / 100
const sku = (rng: Random): string => `SKU-${rng.int(1000, 9999)}`

const ORDER_PROCESSING: DemoWorkflow = {
  id: 'wf_order_processing',
  name: 'Order Processing',
  description: 'Validates an order, reserves stock, charges the customer and books shipping.',
  actions: [
    {
      id: 'act_001',
      name: 'Validate Order',
      behavior: {
        result: (rng) => ({
          valid: true,
          order_id: `ord_${rng.hex(8)}`,
          line_items: rng.int(1, 6)
        }),
        failures: [
          'Order validation failed: missing shipping address',
          "Order validation failed: unknown SKU 'SKU-0000' in line item 2"
        ],
        failureWeight: 0.5
      }
    },
    {
      id: 'act_002',
      name: 'Check Inventory',
      behavior: {
        result: (rng) => ({ in_stock: true, quantity: rng.int(10, 500), warehouse: 'FRA-2' }),
        progress: (rng) => [
          { level: 'info', message: 'Querying inventory service', metadata: { sku: sku(rng) } }
        ],
        failures: [
          'Insufficient stock for SKU-4411: requested 12, available 3',
          'Inventory service returned HTTP 503 (Service Unavailable)'
        ]
      }
    },
    {
      id: 'act_003',
      name: 'Process Payment',
      behavior: {
        result: (rng) => ({
          transaction_id: `txn_${rng.hex(12)}`,
          amount: money(rng),
          currency: 'USD',
          status: 'captured'
        }),
        progress: (rng) => [
          {
            level: 'info',
            message: 'Initiating payment gateway connection',
            metadata: { payment_provider: 'stripe', amount: money(rng), currency: 'USD' }
          }
        ],
        failures: [
          'Payment gateway timeout after 30000ms',
          'Card declined: insufficient funds (issuer code 51)',
          'Payment provider returned HTTP 502 Bad Gateway'
        ],
        failureWeight: 2,
        timeoutMs: 30_000
      }
    },
    {
      id: 'act_004',
      name: 'Ship Order',
      behavior: {
        result: (rng) => ({ carrier: 'UPS', tracking_number: `1Z${rng.hex(16).toUpperCase()}` }),
        failures: ["Carrier API rejected label request: invalid postal code '00000'"]
      }
    }
  ]
}

const NIGHTLY_ETL: DemoWorkflow = {
  id: 'wf_nightly_etl',
  name: 'Nightly ETL',
  description: 'Copies the day’s orders from the replica into the analytics warehouse.',
  actions: [
    {
      id: 'act_001',
      name: 'Extract',
      behavior: {
        result: (rng) => ({ source: 'orders-replica', rows: rng.int(90_000, 140_000) }),
        progress: () => [{ level: 'info', message: 'Opening read transaction on orders-replica' }],
        failures: [
          'Connection to orders-replica refused after 3 retries (ECONNREFUSED 10.0.3.12:5432)'
        ]
      }
    },
    {
      id: 'act_002',
      name: 'Transform',
      behavior: {
        result: (rng) => {
          const rowsIn = rng.int(90_000, 140_000)
          const rejected = rng.int(0, 40)
          return { rows_in: rowsIn, rows_out: rowsIn - rejected, rejected }
        },
        progress: (rng) => {
          const rejected = rng.int(0, 40)
          return rejected > 20
            ? [
                {
                  level: 'warn',
                  message: `${rejected} rows rejected during transform (null customer_id)`,
                  metadata: { rejected }
                }
              ]
            : []
        },
        failures: ["Schema mismatch: column 'discount_pct' expected numeric, got text"]
      }
    },
    {
      id: 'act_003',
      name: 'Load',
      behavior: {
        result: (rng) => ({
          table: 'analytics.orders_daily',
          rows_loaded: rng.int(90_000, 140_000)
        }),
        failures: [
          'Warehouse write failed: disk quota exceeded on analytics-db',
          'Lock wait timeout exceeded on analytics.orders_daily'
        ],
        timeoutMs: 600_000
      }
    },
    {
      id: 'act_004',
      name: 'Verify Row Counts',
      behavior: {
        result: (rng) => {
          const rows = rng.int(90_000, 140_000)
          return { expected: rows, actual: rows, match: true }
        },
        failures: ['Row count mismatch: expected 120431 rows, warehouse has 120388']
      }
    }
  ]
}

const USER_ONBOARDING: DemoWorkflow = {
  id: 'wf_user_onboarding',
  name: 'User Onboarding',
  description: 'Creates the account, sends the welcome email and provisions a workspace.',
  actions: [
    {
      id: 'act_001',
      name: 'Create Account',
      behavior: {
        result: (rng) => ({ user_id: `usr_${rng.hex(10)}` }),
        failures: ['Email address already registered: jane.doe@example.com']
      }
    },
    {
      id: 'act_002',
      name: 'Send Welcome Email',
      behavior: {
        result: (rng) => ({ provider: 'sendgrid', message_id: `msg_${rng.hex(16)}` }),
        failures: ['SMTP relay rejected message: 550 5.1.1 mailbox unavailable']
      }
    },
    {
      id: 'act_003',
      name: 'Provision Workspace',
      behavior: {
        result: (rng) => ({ workspace_id: `ws_${rng.hex(8)}`, seats: rng.int(1, 25) }),
        failures: ['Workspace quota exceeded for organization org_7f3a (limit 50)'],
        timeoutMs: 120_000
      }
    }
  ]
}

const PARTNER_SYNC: DemoWorkflow = {
  id: 'wf_partner_sync',
  name: 'Partner Sync',
  description: 'Pulls the partner catalogue feed and pushes changed records back (flaky upstream).',
  actions: [
    {
      id: 'act_001',
      name: 'Fetch Partner Feed',
      behavior: {
        result: (rng) => ({ feed: 'catalog-v2', records: rng.int(200, 5000) }),
        progress: (rng) =>
          rng.chance(0.4)
            ? [
                {
                  level: 'warn',
                  message: `Partner API slow response (${rng.int(2000, 6000)} ms), retrying (attempt 2/3)`,
                  metadata: { endpoint: 'https://api.partner.example/v2/feed', attempt: 2 }
                }
              ]
            : [],
        failures: [
          'Partner API returned 503',
          'Partner API rate limit hit (HTTP 429), retry after 60s'
        ],
        failureWeight: 2,
        timeoutMs: 45_000
      }
    },
    {
      id: 'act_002',
      name: 'Map Records',
      behavior: {
        result: (rng) => ({ mapped: rng.int(200, 5000), skipped: rng.int(0, 12) }),
        failures: ["Unmapped partner field 'ext_ref_v2' in 14 records"],
        failureWeight: 0.5
      }
    },
    {
      id: 'act_003',
      name: 'Push Updates',
      behavior: {
        result: (rng) => ({
          pushed: rng.int(10, 800),
          endpoint: 'https://api.partner.example/v2/sync'
        }),
        failures: [
          'Partner API returned 503',
          'TLS handshake with api.partner.example timed out after 10000ms'
        ],
        failureWeight: 2,
        timeoutMs: 45_000
      }
    }
  ]
}

/** The demo workflows every engine starts with (ids are stable). */
export const DEMO_WORKFLOWS: readonly DemoWorkflow[] = [
  ORDER_PROCESSING,
  NIGHTLY_ETL,
  USER_ONBOARDING,
  PARTNER_SYNC
]

/** Ids of the demo workflows, in order. */
export const DEMO_WORKFLOW_IDS: readonly string[] = DEMO_WORKFLOWS.map((w) => w.id)

/** Behavior for an action the demo set does not know (user-created workflows). */
function genericBehavior(actionName: string): ActionBehavior {
  return {
    result: (rng) => ({ ok: true, items_processed: rng.int(1, 1000) }),
    failures: [
      `Step '${actionName}' failed: upstream service returned HTTP 500`,
      `Step '${actionName}' failed: connection reset by peer`
    ]
  }
}

/** The behavior for an action of a workflow: the demo one when the names match, else generic. */
export function behaviorFor(workflowId: string, actionName: string): ActionBehavior {
  const demo = DEMO_WORKFLOWS.find((w) => w.id === workflowId)
  const action = demo?.actions.find((a) => a.name === actionName)
  return action?.behavior ?? genericBehavior(actionName)
}
