import { useDashboard, useStore } from '@renderer/store/use-dashboard'
import { Icon } from './icon'

/** Things main wants the person to know that belong to no field (e.g. "settings were reset"). */
export function Notices() {
  const notices = useDashboard((s) => s.notices)
  const store = useStore()
  if (notices.length === 0) return null
  return (
    <section className="notices" aria-label="Notices">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice--${notice.level}`} data-testid="notice">
          <Icon name={notice.level === 'info' ? 'info' : 'warning'} />
          <span className="notice__level">
            {notice.level === 'error' ? 'Error' : notice.level === 'warning' ? 'Warning' : 'Note'}:
          </span>
          <span className="notice__message">{notice.message}</span>
          <button
            type="button"
            className="btn btn--ghost btn--small"
            onClick={() => store.dismissNotice(notice.id)}
          >
            <Icon name="close" /> Dismiss
          </button>
        </div>
      ))}
    </section>
  )
}
