// The live routes' stats port: `podman stats --no-stream` of a compartment's running containers, as the
// compartment user, and whether the compartment's cgroup has a memory controller (read from
// /sys/fs/cgroup). Changes nothing on the machine.
//
// Where the user manager's cgroup has no memory (or pids) controller — the sandbox on a cgroup v1 host —
// podman reports MemUsage 0 and a warning; we report null, not 0.

import { readFile } from 'node:fs/promises';
import type { CompartmentId } from '../core/ids.js';
import type { ContainerStats, StatsPort, StatsReport } from '../core/live/ports.js';
import type { Exec } from './exec.js';
import { jsonObjectLines } from './json-lines.js';
import { type CompartmentSession, userPodman } from './session.js';

const num = (o: Record<string, unknown>, k: string): number => {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
};

/** `podman stats --format '{{json .}}'` output (one object per line; 5.4's `--format json` fails without memory.stat). */
export function parseStats(stdout: string, controllers: ReadonlySet<string>): ContainerStats[] {
  const mem = controllers.has('memory');
  const pids = controllers.has('pids');
  const out: ContainerStats[] = [];
  for (const o of jsonObjectLines(stdout)) {
    out.push({
      name: typeof o.Name === 'string' ? o.Name : '',
      id: typeof o.ContainerID === 'string' ? o.ContainerID : '',
      cpuPercent: Math.round(num(o, 'CPU') * 1000) / 1000,
      cpuNanos: num(o, 'CPUNano'),
      memoryBytes: mem ? num(o, 'MemUsage') : null,
      memoryLimitBytes: mem ? num(o, 'MemLimit') : null,
      memoryPercent: mem ? Math.round(num(o, 'MemPerc') * 1000) / 1000 : null,
      pids: pids ? num(o, 'PIDs') : null,
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The controllers enabled in the compartment's user manager cgroup (cgroup v2); empty when unknown. */
export async function userControllers(s: CompartmentSession, cgroupRoot = '/sys/fs/cgroup'): Promise<Set<string>> {
  const file = `${cgroupRoot}/user.slice/user-${s.uid}.slice/user@${s.uid}.service/cgroup.controllers`;
  try {
    return new Set((await readFile(file, 'utf8')).split(/\s+/).filter(Boolean));
  } catch {
    return new Set();
  }
}

export function podmanStats(deps: {
  exec: Exec;
  sessionFor(id: CompartmentId): Promise<CompartmentSession>;
  cgroupRoot?: string;
}): StatsPort {
  return {
    async stats(compartment): Promise<StatsReport> {
      const s = await deps.sessionFor(compartment);
      const [r, controllers] = await Promise.all([
        // 125: a container went away between listing and sampling; what was printed is still good
        deps.exec.run(userPodman(s, ['stats', '--no-stream', '--format', '{{json .}}']), {
          timeoutMs: 30_000,
          expectCodes: [0, 125],
        }),
        userControllers(s, deps.cgroupRoot),
      ]);
      return {
        compartment,
        at: new Date().toISOString(),
        memoryAvailable: controllers.has('memory'),
        containers: parseStats(r.stdout, controllers),
      };
    },
  };
}
