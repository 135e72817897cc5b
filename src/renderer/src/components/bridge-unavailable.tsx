/** Shown instead of the dashboard when the page has no preload bridge (e.g. a plain browser). */
export function BridgeUnavailable() {
  return (
    <section
      className="panel panel--notice"
      aria-labelledby="bridge-heading"
      data-testid="bridge-unavailable"
    >
      <h2 id="bridge-heading" className="panel__heading">
        Bridge unavailable
      </h2>
      <p className="panel__text">
        This page is running outside Nebula Desktop, so it cannot reach the monitor. Open the Nebula
        Desktop app to see your workflows and executions.
      </p>
    </section>
  )
}
