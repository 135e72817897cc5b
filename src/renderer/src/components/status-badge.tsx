import { statusInfo } from '@renderer/lib/format'
import type { Tone } from '@renderer/lib/format'
import { Icon } from './icon'
import type { IconName } from './icon'

const TONE_ICONS: Record<Tone, IconName> = {
  running: 'running',
  ok: 'ok',
  failed: 'failed',
  warning: 'warning',
  neutral: 'neutral',
  pending: 'pending'
}

/** An icon for a tone (the same shapes everywhere: status is never told by colour alone). */
export function ToneIcon({ tone }: { tone: Tone }) {
  return <Icon name={TONE_ICONS[tone]} className={`tone-icon tone-icon--${tone}`} />
}

/** An execution or action status: icon, word and tone. */
export function StatusBadge({ status, compact = false }: { status: string; compact?: boolean }) {
  const { label, tone } = statusInfo(status)
  return (
    <span
      className={`status status--${tone}${compact ? ' status--compact' : ''}`}
      data-status={status}
    >
      <ToneIcon tone={tone} />
      <span className="status__label">{label}</span>
    </span>
  )
}
