// Small stroke icons drawn for this app (16×16, currentColor). Decorative: the text next to an
// icon always says the same thing, so every icon is hidden from assistive technology.

const PATHS = {
  check: 'M3.5 8.5l3 3 6-7',
  failed:
    'M8 1.75a6.25 6.25 0 1 0 0 12.5 6.25 6.25 0 0 0 0-12.5zM5.75 5.75l4.5 4.5M10.25 5.75l-4.5 4.5',
  ok: 'M8 1.75a6.25 6.25 0 1 0 0 12.5 6.25 6.25 0 0 0 0-12.5zM5.25 8.25l2 2 3.5-4',
  running: 'M8 1.75a6.25 6.25 0 1 0 6.25 6.25M6.5 5.5v5l4-2.5z',
  pending: 'M8 1.75a6.25 6.25 0 1 0 0 12.5 6.25 6.25 0 0 0 0-12.5zM8 4.75V8l2 1.5',
  neutral: 'M8 1.75a6.25 6.25 0 1 0 0 12.5 6.25 6.25 0 0 0 0-12.5zM4.5 11.5l7-7',
  warning: 'M8 2L1.75 13.25h12.5zM8 6.5v3M8 11.25v.5',
  clock: 'M8 1.75a6.25 6.25 0 1 0 0 12.5 6.25 6.25 0 0 0 0-12.5zM8 4.75V8l2 1.5',
  live: 'M8 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zM4.75 4.75a4.6 4.6 0 0 0 0 6.5M11.25 4.75a4.6 4.6 0 0 1 0 6.5M2.75 2.75a7.4 7.4 0 0 0 0 10.5M13.25 2.75a7.4 7.4 0 0 1 0 10.5',
  offline:
    'M2 2l12 12M5.2 5.3a4 4 0 0 0 .05 5.45M10.8 5.3a4 4 0 0 1 0 5.4M8 7.25a.75.75 0 1 0 0 1.5',
  retry: 'M13.25 8a5.25 5.25 0 1 1-1.55-3.7M13.25 2.5v3h-3',
  key: 'M10 2.25a3.75 3.75 0 1 0 0 7.5 3.75 3.75 0 0 0 0-7.5zM7.4 8.6L2.25 13.75M4 12l1.75 1.75M5.5 10.5l1.5 1.5',
  home: 'M2.25 7.25L8 2.25l5.75 5M3.75 6v7.75h8.5V6',
  list: 'M5.5 4h8M5.5 8h8M5.5 12h8M2.5 4h.5M2.5 8h.5M2.5 12h.5',
  workflow: 'M2.25 2.25h4v4h-4zM9.75 9.75h4v4h-4zM4.25 6.25v3.5a2 2 0 0 0 2 2h3.5',
  settings:
    'M8 5.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM8 1.5v1.75M8 12.75v1.75M1.5 8h1.75M12.75 8h1.75M3.4 3.4l1.25 1.25M11.35 11.35l1.25 1.25M3.4 12.6l1.25-1.25M11.35 4.65l1.25-1.25',
  play: 'M4.5 2.75v10.5L13 8z',
  stop: 'M3.75 3.75h8.5v8.5h-8.5z',
  search: 'M7 2.25a4.75 4.75 0 1 0 0 9.5 4.75 4.75 0 0 0 0-9.5zM10.5 10.5l3.25 3.25',
  down: 'M8 2.5v10M3.75 8.5L8 12.75l4.25-4.25',
  bell: 'M4 11.25V7a4 4 0 0 1 8 0v4.25l1.25 1.25H2.75zM6.5 14h3',
  bellOff: 'M2 2l12 12M4 7v4.25L2.75 12.5h8.5M6.1 3.45A4 4 0 0 1 12 7v2.5M6.5 14h3',
  plus: 'M8 3v10M3 8h10',
  trash: 'M2.75 4.25h10.5M6.25 4.25v-2h3.5v2M4.25 4.25l.75 9.5h6l.75-9.5',
  copy: 'M5.75 5.75h7.5v7.5h-7.5zM10.25 5.75v-3h-7.5v7.5h3',
  close: 'M4 4l8 8M12 4l-8 8',
  info: 'M8 1.75a6.25 6.25 0 1 0 0 12.5 6.25 6.25 0 0 0 0-12.5zM8 7.25v4M8 4.75v.5',
  chevronRight: 'M6 3.5L10.5 8 6 12.5',
  laptop: 'M3.25 3.75h9.5v6.5h-9.5zM1.5 12.5h13',
  eye: 'M1.5 8s2.5-4.5 6.5-4.5S14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8zM8 6.25a1.75 1.75 0 1 0 0 3.5 1.75 1.75 0 0 0 0-3.5z'
} as const

export type IconName = keyof typeof PATHS

/** An icon; `label` gives it a name when it stands alone (no visible text next to it). */
export function Icon({
  name,
  className,
  label
}: {
  name: IconName
  className?: string
  label?: string
}) {
  return (
    <svg
      className={`icon${className ? ` ${className}` : ''}`}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      focusable="false"
      {...(label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true })}
    >
      <path d={PATHS[name]} />
    </svg>
  )
}
