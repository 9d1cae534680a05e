/**
 * The loopback guard: which users may connect to which of quadletman's loopback ports. A route's port is open to
 * the edge (Caddy) and the compartment that holds it; a provided service's port to its compartment and the
 * compartments that declared its use. Everybody else's connections are refused by the host's firewall (nftables,
 * by the connecting socket's owner: host/loopback-guard.ts). Root is always let through. Pure.
 */
import type { HeldProvide, HeldUse } from './link-ports.js';
import type { HeldRoute } from './ports.js';

export interface GuardedPort {
  port: number;
  /** The compartments whose users may connect (sorted). */
  compartments: string[];
  /** Whether the edge's user may connect. */
  edge: boolean;
  /** What the port is, for people: `route photos.example.org/ of web`, `service db of pg`. */
  what: string;
}

/** The guarded ports, by port, from every compartment's routes, provided services and uses. The web UI's own route
 * (held as "(quadletman)") is not guarded: the server's port is its own. */
export function guardedPorts(input: {
  routes: readonly HeldRoute[];
  provides: readonly HeldProvide[];
  uses: readonly HeldUse[];
}): GuardedPort[] {
  const byPort = new Map<number, GuardedPort>();
  const add = (port: number, compartments: string[], edge: boolean, what: string) => {
    const g = byPort.get(port) ?? { port, compartments: [], edge: false, what };
    g.compartments = [...new Set([...g.compartments, ...compartments])].sort();
    g.edge ||= edge;
    byPort.set(port, g);
  };
  for (const r of input.routes) {
    if (r.port === undefined || r.compartment.startsWith('(')) continue;
    add(r.port, [r.compartment], true, `route ${r.host}${r.path} of ${r.compartment}`);
  }
  for (const p of input.provides) {
    if (p.port === undefined) continue;
    const consumers = input.uses
      .filter((u) => u.compartment === p.compartment && u.service === p.service)
      .map((u) => u.consumer);
    add(p.port, [p.compartment, ...consumers], false, `service ${p.service} of ${p.compartment}`);
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}

/** The same guard, as a stable text (to tell whether the host runs it already). */
export const guardKey = (ports: readonly GuardedPort[]): string =>
  JSON.stringify(ports.map((p) => [p.port, p.compartments, p.edge]));
