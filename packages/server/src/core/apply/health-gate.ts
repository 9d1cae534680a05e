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
 * Every unit must also stay loaded and running: one that fails or stops fails the gate at once. Once all are
 * healthy, they must stay healthy for the settle window (a health check may fail fewer times in a row than
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

/** Watches `units` until they are healthy and have stayed so for the settle window, or one fails. */
export async function healthGate(
  host: CompartmentHost,
  units: readonly GateUnit[],
  probes: readonly ProbeSpec[],
  options: GateOptions,
): Promise<GateResult> {
  const started = options.now().getTime();
  const failures = new Map<string, number>();
  const wasHealthy = new Set<string>();
  let healthySince: number | undefined;
  // the probes stand in for a health check where a unit has none
  const useProbes = probes.length > 0 && units.some((u) => u.container === undefined);
  for (;;) {
    const statuses = await host.unitStatuses(units.map((u) => u.unit));
    const now = () => options.now().getTime();
    const stopped = statuses.filter(
      (s) => s.activeState !== 'active' && (s.activeState !== 'activating' || healthySince !== undefined),
    );
    if (stopped.length > 0) {
      const why = await Promise.all(
        stopped.map(async (s) => {
          const reason = await host.failureReason(s.unit).catch(() => `${s.activeState} (${s.result})`);
          return `${s.unit}: ${reason}`;
        }),
      );
      return { ok: false, reason: why.join('; '), at: options.now() };
    }
    const checks = await Promise.all(
      units.map(async (u) => {
        if (u.container === undefined) return { u, ok: true, detail: '' };
        const r = await host.healthCheck(u.container).catch((e: unknown) => ({
          ok: false,
          detail: e instanceof Error ? e.message : String(e),
        }));
        return { u, ...r };
      }),
    );
    const probeResults = useProbes ? await Promise.all(probes.map((p) => host.probe(p))) : [];
    for (const c of checks) {
      if (c.ok) {
        failures.set(c.u.unit, 0);
        wasHealthy.add(c.u.unit);
        continue;
      }
      const counts = wasHealthy.has(c.u.unit) || now() - started >= c.u.startPeriodMs;
      const n = (failures.get(c.u.unit) ?? 0) + (counts ? 1 : 0);
      failures.set(c.u.unit, n);
      if (n >= c.u.retries) {
        const what = wasHealthy.has(c.u.unit) ? 'turned unhealthy' : 'never turned healthy';
        return {
          ok: false,
          reason: `${c.u.unit}: ${what}: its health check failed ${n} time${n === 1 ? '' : 's'} in a row (${c.detail})`,
          at: options.now(),
        };
      }
    }
    const probeFailure = probeResults.findIndex((r) => !r.ok);
    const healthy = statuses.every((s) => s.activeState === 'active') && checks.every((c) => c.ok) && probeFailure < 0;
    if (healthy) {
      healthySince ??= now();
      if (now() - healthySince >= options.settleMs) return { ok: true, statuses };
    } else if (healthySince !== undefined && probeFailure >= 0) {
      const r = probeResults[probeFailure]!;
      return {
        ok: false,
        reason: `probe '${probes[probeFailure]!.name}' failed during the settle window: ${r.detail}`,
        at: options.now(),
      };
    }
    if (now() - started >= options.timeoutMs) {
      const slow = checks.filter((c) => !c.ok).map((c) => `${c.u.unit} (${c.detail})`);
      const probe =
        probeFailure >= 0 ? [`probe '${probes[probeFailure]!.name}' (${probeResults[probeFailure]!.detail})`] : [];
      const inactive = statuses.filter((s) => s.activeState !== 'active').map((s) => `${s.unit} (${s.activeState})`);
      return {
        ok: false,
        reason: `not healthy after ${Math.round(options.timeoutMs / 1000)} s: ${[...slow, ...probe, ...inactive].join(', ')}`,
        at: options.now(),
      };
    }
    const left = healthySince !== undefined ? options.settleMs - (now() - healthySince) : options.pollMs;
    await options.sleep(Math.max(1, Math.min(options.pollMs, left)));
  }
}
