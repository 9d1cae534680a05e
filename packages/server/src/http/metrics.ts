/**
 * /metrics in the Prometheus text format (0.0.4). Counted here: HTTP requests by method, route (the route
 * pattern, never the raw URL) and status. Read from the store at scrape time: compartments, applies by outcome,
 * declared containers by the outcome of their compartment's latest apply, audit entries, the age of each
 * compartment's newest backup snapshot. A live module may add
 * containers by runtime state (`setContainerStates`).
 *
 * Access: an authenticated principal holding viewer globally (a viewer API token for Prometheus' bearer
 * authorization). The counts are not secret, but the server may listen beyond localhost.
 */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/index.js';
import type { Guard } from './types.js';

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`;

export class Metrics {
  private readonly requests = new Map<string, { method: string; route: string; status: string; n: number }>();
  private containerStates: (() => Record<string, number>) | undefined;
  private readonly started = Date.now();

  countRequest(method: string, route: string, status: number): void {
    const key = `${method} ${route} ${status}`;
    const e = this.requests.get(key);
    if (e) e.n++;
    else this.requests.set(key, { method, route, status: String(status), n: 1 });
  }

  /** Containers by runtime state (running, exited…), from whoever watches them. */
  setContainerStates(fn: () => Record<string, number>): void {
    this.containerStates = fn;
  }

  render(store: Store): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string, samples: [Record<string, string>, number][]) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [l, v] of samples) out.push(`${name}${Object.keys(l).length > 0 ? labels(l) : ''} ${v}`);
    };
    family(
      'quadletman_http_requests_total',
      'counter',
      'HTTP requests by method, route pattern and status.',
      [...this.requests.values()].map((e) => [{ method: e.method, route: e.route, status: e.status }, e.n]),
    );
    family('quadletman_compartments', 'gauge', 'Compartments in the store.', [[{}, store.stats.compartments()]]);
    const now = Date.now();
    family(
      'quadletman_backup_newest_snapshot_age_seconds',
      'gauge',
      "Seconds since each compartment's newest snapshot was taken (compartments that have a backup).",
      store.backups
        .newestSnapshots()
        .map(({ compartment, at }) => [{ compartment }, Math.max(0, Math.round((now - Date.parse(at)) / 1000))]),
    );
    family(
      'quadletman_applies_total',
      'counter',
      'Applies (revisions) by outcome: applied, failed, rolled-back, refused, pending.',
      Object.entries(store.stats.appliesByResult()).map(([result, n]) => [{ result }, n]),
    );
    family(
      'quadletman_containers_declared',
      'gauge',
      "Container units in the desired state, by the outcome of their compartment's latest apply (never: not applied).",
      Object.entries(store.stats.containersByApplyState()).map(([last_apply, n]) => [{ last_apply }, n]),
    );
    if (this.containerStates) {
      family(
        'quadletman_containers',
        'gauge',
        'Containers by runtime state.',
        Object.entries(this.containerStates()).map(([state, n]) => [{ state }, n]),
      );
    }
    family('quadletman_audit_entries', 'gauge', 'Entries in the audit log.', [[{}, store.stats.auditEntries()]]);
    family('quadletman_uptime_seconds', 'gauge', 'Seconds since the server started.', [
      [{}, Math.floor((Date.now() - this.started) / 1000)],
    ]);
    family('process_resident_memory_bytes', 'gauge', 'Resident memory of the server process.', [
      [{}, process.memoryUsage.rss()],
    ]);
    return `${out.join('\n')}\n`;
  }
}

export function installMetrics(server: FastifyInstance, metrics: Metrics, store: Store, guard: Guard): void {
  server.addHook('onResponse', async (req, reply) => {
    metrics.countRequest(req.method, req.routeOptions?.url ?? 'unmatched', reply.statusCode);
  });
  server.get(
    '/metrics',
    {
      preHandler: guard('viewer', { compartmentParam: false }),
      schema: { tags: ['system'], summary: 'Prometheus metrics (needs viewer globally; use a viewer API token)' },
    },
    async (_req, reply) => {
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render(store));
    },
  );
}
