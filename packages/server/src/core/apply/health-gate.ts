/**
 * The health gate of an upgrade: after its units were restarted on a new image, are they healthy, and do they
 * stay so for the settle window?
 *
 * What "healthy" means for each unit, from its rendered `.container` file:
 * - a container with a HealthCmd: its health check passes. The gate runs the check itself (`podman healthcheck
 *   run`, once per poll) instead of waiting for Podman's interval timer, so a unit with Notify=healthy turns
 *   ready as soon as its check passes. Failed checks count once the container's HealthStartPeriod is over; as
 *   many failures in a row as its HealthRetries (Podman's default 3) make it unhealthy, as Podman judges it;
 * - any other unit: it is active, and the compartment's verify probes (when it has any) pass.
 * Every unit must also be running once its restart returned: one that fails or stops fails the gate at once.
 * Once all are healthy, they must stay healthy for the settle window (a health check may fail fewer times in a row than
 * its retries, as Podman allows; a probe may not fail); the gate fails when they are not healthy within its
 * timeout.
 */
import { lookup, parseUnitFile } from '@quadletman/quadlet';
import type { ProbeSpec } from '../spec.js';
import type { CompartmentHost, UnitStatus } from './ports.js';

/** A unit the gate watches. */
export interface GateUnit {
  /** The systemd unit (`web.service`). */
  unit: string;
  /** The container whose health check to run; undefined when the unit declares none. */
  container?: string;
  /** Failed checks before this are not counted (HealthStartPeriod). */
  startPeriodMs: number;
  /** Failed checks in a row that make the container unhealthy (HealthRetries). */
  retries: number;
}

export interface GateOptions {
  settleMs: number;
  timeoutMs: number;
  pollMs: number;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
}

export type GateResult =
  | { ok: true; statuses: UnitStatus[] }
  | { ok: false; reason: string /** When the gate saw the failure. */; at: Date };

/** The gate's view of a `.container` file's service (`web.container` → `web.service`): its container's name and
 * health check settings. */
export function gateUnitOf(file: string, text: string): GateUnit {
  const u = parseUnitFile(text);
  const base = file.replace(/\.container$/, '');
  const service = lookup(u, 'Container', 'ServiceName') ?? base;
  const cmd = lookup(u, 'Container', 'HealthCmd');
  const hasCheck = cmd !== undefined && cmd.trim() !== '' && cmd.trim().toLowerCase() !== 'none';
  const retries = Number.parseInt(lookup(u, 'Container', 'HealthRetries') ?? '', 10);
  return {
    unit: `${service}.service`,
    ...(hasCheck ? { container: lookup(u, 'Container', 'ContainerName') ?? `systemd-${base}` } : {}),
    startPeriodMs: goDurationMs(lookup(u, 'Container', 'HealthStartPeriod') ?? '') ?? 0,
    retries: Number.isInteger(retries) && retries > 0 ? retries : 3,
  };
}

/** A Go duration (`30s`, `1m30s`, `500ms`, `2h`) in milliseconds; undefined when it is not one. */
export function goDurationMs(text: string): number | undefined {
  const s = text.trim();
  if (s === '' || s === '0') return s === '0' ? 0 : undefined;
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    '\u00b5s': 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  let total = 0;
  let rest = s;
  while (rest !== '') {
    const m = /^(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

/**
 * Restarts `units` (`restart`: one call that resolves when systemd has started them, as for an apply) and watches
 * them until they are healthy and have stayed so for the settle window, or one fails.
 *
 * While the restart call runs, a unit still `activating` is a new container not yet ready (Notify=healthy holds
 * the start job until its health check passes): the gate runs its check then, which makes it ready at once,
 * and counts the failures of a container that answers unhealthy. Once the call returned, every unit must stay
 * active.
 */
export async function healthGate(
  host: CompartmentHost,
  units: readonly GateUnit[],
  probes: readonly ProbeSpec[],
  options: GateOptions,
  restart: () => Promise<void>,
): Promise<GateResult> {
  const started = options.now().getTime();
  const now = () => options.now().getTime();
  const failures = new Map<string, number>();
  const wasHealthy = new Set<string>();
  let healthySince: number | undefined;
  let restarted: { error?: unknown } | undefined;
  const restarting = restart().then(
    () => {
      restarted = {};
    },
    (error: unknown) => {
      restarted = { error };
    },
  );
  const fail = async (reason: string): Promise<GateResult> => ({ ok: false, reason, at: options.now() });
  const explain = async (statuses: readonly UnitStatus[]) =>
    (
      await Promise.all(
        statuses.map(async (s) => {
          const reason = await host.failureReason(s.unit).catch(() => `${s.activeState} (${s.result})`);
          return `${s.unit}: ${reason}`;
        }),
      )
    ).join('; ');
  // the probes stand in for a health check where a unit has none
  const useProbes = probes.length > 0 && units.some((u) => u.container === undefined);
  for (;;) {
    const done = restarted !== undefined;
    const statuses = await host.unitStatuses(units.map((u) => u.unit));
    if (restarted?.error !== undefined) {
      const down = statuses.filter((s) => s.activeState !== 'active');
      const why = errorText(restarted.error);
      return fail(down.length > 0 ? await explain(down) : why);
    }
    if (done) {
      const stopped = statuses.filter((s) => s.activeState !== 'active');
      if (stopped.length > 0) return fail(await explain(stopped));
    }
    const checks = await Promise.all(
      units.map(async (u, i) => {
        if (u.container === undefined) return { u, ok: done, counts: false, detail: 'starting' };
        // before the restart returned, only a unit that is starting runs its new container
        if (!done && statuses[i]?.activeState !== 'activating')
          return { u, ok: false, counts: false, detail: 'restarting' };
        const r = await host.healthCheck(u.container).catch((e: unknown) => ({ ok: false, detail: errorText(e) }));
        // a container that is not there yet (or no longer) is not an unhealthy one until the restart returned
        return { u, ...r, counts: done || r.detail === 'unhealthy' };
      }),
    );
    const probeResults = done && useProbes ? await Promise.all(probes.map((p) => host.probe(p))) : [];
    for (const c of checks) {
      if (c.ok) {
        failures.set(c.u.unit, 0);
        wasHealthy.add(c.u.unit);
        continue;
      }
      if (!c.counts || (!wasHealthy.has(c.u.unit) && now() - started < c.u.startPeriodMs)) continue;
      const n = (failures.get(c.u.unit) ?? 0) + 1;
      failures.set(c.u.unit, n);
      if (n >= c.u.retries) {
        const what = wasHealthy.has(c.u.unit) ? 'turned unhealthy' : 'never turned healthy';
        return fail(
          `${c.u.unit}: ${what}: its health check failed ${n} time${n === 1 ? '' : 's'} in a row (${c.detail})`,
        );
      }
    }
    const probeFailure = probeResults.findIndex((r) => !r.ok);
    const healthy = done && checks.every((c) => c.ok) && probeFailure < 0;
    if (healthy) {
      healthySince ??= now();
      if (now() - healthySince >= options.settleMs) return { ok: true, statuses };
    } else if (healthySince !== undefined && probeFailure >= 0) {
      const r = probeResults[probeFailure]!;
      return fail(`probe '${probes[probeFailure]!.name}' failed during the settle window: ${r.detail}`);
    }
    if (now() - started >= options.timeoutMs) {
      const slow = checks.filter((c) => !c.ok).map((c) => `${c.u.unit} (${c.detail})`);
      const probe =
        probeFailure >= 0 ? [`probe '${probes[probeFailure]!.name}' (${probeResults[probeFailure]!.detail})`] : [];
      return fail(`not healthy after ${Math.round(options.timeoutMs / 1000)} s: ${[...slow, ...probe].join(', ')}`);
    }
    const left = healthySince !== undefined ? options.settleMs - (now() - healthySince) : options.pollMs;
    const pause = Math.max(1, Math.min(options.pollMs, left));
    // wake when the restart returns, not a poll later
    await Promise.race([options.sleep(pause), done ? undefined : restarting]);
  }
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
