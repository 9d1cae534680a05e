/**
 * The loopback ports of provided services, across compartments: a service keeps the port it was given, a new one
 * gets the lowest free port in LINK_PORTS, and a port another compartment holds (a route's, a provided service's,
 * or one it publishes itself) is refused naming the holder. Pure; the caller passes what the store holds.
 */
import { ConflictError } from '../errors.js';
import { LINK_PORTS, type ProvideSpec, type UseSpec } from '../spec-links.js';
import type { HeldPort } from './ports.js';

export interface HeldProvide extends ProvideSpec {
  compartment: string;
}

/** A use as stored: the consumer, and the provider (`compartment`) and its service. */
export type HeldUse = Omit<UseSpec, 'port'> & { consumer: string };

/** `provides` of `compartment` with every port given: kept from `held` (what the store has) for the same service,
 * else the lowest free port. `taken` are the ports held otherwise (routes, published ports) by any compartment. */
export function assignProvidePorts(
  compartment: string,
  provides: readonly ProvideSpec[],
  held: readonly HeldProvide[],
  taken: readonly HeldPort[],
  /** Ports the compartment holds otherwise (its routes'): a new service never gets one. */
  own: readonly number[] = [],
): ProvideSpec[] {
  const holders = new Map<number, string>();
  for (const h of held) {
    if (h.compartment !== compartment && h.port !== undefined) {
      holders.set(h.port, `compartment '${h.compartment}' (service ${h.service})`);
    }
  }
  for (const p of taken) {
    if (p.compartment !== compartment) holders.set(p.port, `compartment '${p.compartment}' (${p.what})`);
  }
  const problems = provides.flatMap((p) =>
    p.port !== undefined && holders.has(p.port)
      ? [`provides.${p.service}.port: ${p.port} is held by ${holders.get(p.port)}`]
      : [],
  );
  if (problems.length > 0) {
    throw new ConflictError(`The provided services conflict with other compartments:\n${problems.join('\n')}`, {
      details: { problems },
    });
  }
  const mine = new Map(held.filter((h) => h.compartment === compartment).map((h) => [h.service, h.port]));
  const used = new Set<number>([...holders.keys(), ...provides.flatMap((p) => (p.port === undefined ? [] : [p.port]))]);
  const kept = provides.map((p) => {
    if (p.port !== undefined) return p;
    const port = mine.get(p.service);
    if (port === undefined || used.has(port)) return p;
    used.add(port);
    return { ...p, port };
  });
  // (a service keeps its port even where the compartment's own route now claims it: the caller refuses that)
  for (const p of own) used.add(p);
  let next: number = LINK_PORTS.first;
  return kept.map((p) => {
    if (p.port !== undefined) return p;
    while (used.has(next)) next++;
    if (next > LINK_PORTS.last) {
      throw new ConflictError(
        `No loopback port is free for provided services in ${LINK_PORTS.first}..${LINK_PORTS.last}.`,
      );
    }
    used.add(next);
    return { ...p, port: next };
  });
}
