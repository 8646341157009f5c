/**
 * What /healthz answers: unhealthy once the platform or the broker has been unreachable for longer than a grace
 * period (default 5 minutes, the window after which the platform itself shows the connector as inactive).
 * A component never contacted counts as healthy: directory mode has no broker.
 */

export type Component = 'platform' | 'broker';

export interface HealthReport {
  ok: boolean;
  components: Record<string, { up: boolean; down_since: string | null; down_for_s: number }>;
}

export class HealthTracker {
  private readonly downSince = new Map<Component, number>();
  private readonly seen = new Set<Component>();

  constructor(
    private readonly graceMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  mark(component: Component, up: boolean): void {
    this.seen.add(component);
    if (up) this.downSince.delete(component);
    else if (!this.downSince.has(component)) this.downSince.set(component, this.now());
  }

  report(): HealthReport {
    const components: HealthReport['components'] = {};
    let ok = true;
    for (const c of this.seen) {
      const since = this.downSince.get(c);
      const downFor = since === undefined ? 0 : this.now() - since;
      if (since !== undefined && downFor > this.graceMs) ok = false;
      components[c] = { up: since === undefined, down_since: since === undefined ? null : new Date(since).toISOString(), down_for_s: Math.round(downFor / 1000) };
    }
    return { ok, components };
  }
}
