/**
 * The loopback ports of routes, across compartments: a route's target keeps the port it was given, a new target
 * gets the lowest free one in ROUTE_PORTS, and a host name and path, a host name another compartment redirects
 * (`redirectFrom`, held whole), or a port, that another compartment holds is refused naming the holder. Pure; the
 * caller passes what the store holds.
 */
import { ConflictError } from '../errors.js';
import { ROUTE_PORTS, type RouteSpec, routeKey } from '../spec-routes.js';

export interface HeldRoute extends RouteSpec {
  compartment: string;
}

/** A host port another compartment publishes itself (PublishPort), so no route may be given it. */
export interface HeldPort {
  compartment: string;
  port: number;
  /** Where: `web.container PublishPort=8080:80`. */
  what: string;
}

/**
 * `routes` of `compartment` with every port given: kept from `previous` (the compartment's stored routes) for the
 * same target, else shared with another route of the same target, else the lowest free port. Throws ConflictError
 * naming the compartment that holds a host/path or port.
 */
export function assignRoutePorts(
  compartment: string,
  routes: readonly RouteSpec[],
  held: readonly HeldRoute[],
  published: readonly HeldPort[] = [],
): RouteSpec[] {
  const others = held.filter((h) => h.compartment !== compartment);
  const previous = held.filter((h) => h.compartment === compartment);
  const taken = new Map<number, string>();
  for (const h of others) {
    if (h.port === undefined) continue;
    const who = h.compartment.startsWith('(')
      ? "quadletman's web UI"
      : `compartment '${h.compartment}' (route ${routeKey(h)})`;
    taken.set(h.port, who);
  }
  for (const p of published)
    if (p.compartment !== compartment) taken.set(p.port, `compartment '${p.compartment}' (${p.what})`);

  const problems: string[] = [];
  routes.forEach((r, i) => {
    // (the web UI's own route, held as "(quadletman)", keeps its whole host name)
    const ui = others.find((h) => h.compartment.startsWith('(') && h.host === r.host);
    const holder = ui ?? others.find((h) => h.host === r.host && h.path === r.path);
    if (ui) problems.push(`routes[${i}]: ${r.host} is the host name of quadletman's own web UI`);
    else if (holder) problems.push(`routes[${i}]: ${routeKey(r)} is routed by compartment '${holder.compartment}'`);
    const redirecting = others.find((h) => h.redirectFrom?.includes(r.host));
    if (redirecting) {
      problems.push(
        `routes[${i}]: ${r.host} redirects to ${redirecting.host} in compartment '${redirecting.compartment}'`,
      );
    }
    // a redirected host is held whole: no other compartment may route it or redirect it
    (r.redirectFrom ?? []).forEach((name, j) => {
      const where = `routes[${i}].redirectFrom[${j}]`;
      const routed = others.find((h) => h.host === name);
      const redirected = others.find((h) => h.redirectFrom?.includes(name));
      if (routed?.compartment.startsWith('(')) {
        problems.push(`${where}: ${name} is the host name of quadletman's own web UI`);
      } else if (routed) {
        problems.push(`${where}: ${name} is routed by compartment '${routed.compartment}' (route ${routeKey(routed)})`);
      } else if (redirected) {
        problems.push(`${where}: ${name} redirects to ${redirected.host} in compartment '${redirected.compartment}'`);
      }
    });
    if (r.port !== undefined && taken.has(r.port)) {
      problems.push(`routes[${i}].port: ${r.port} is held by ${taken.get(r.port)}`);
    }
  });
  if (problems.length > 0) {
    throw new ConflictError(`The routes conflict with other compartments:\n${problems.join('\n')}`, {
      details: { problems },
    });
  }

  const byTarget = new Map<string, number>();
  for (const r of routes) if (r.port !== undefined && !byTarget.has(r.to)) byTarget.set(r.to, r.port);
  for (const p of previous) {
    if (p.port !== undefined && !byTarget.has(p.to) && !taken.has(p.port) && ![...byTarget.values()].includes(p.port)) {
      byTarget.set(p.to, p.port);
    }
  }
  const used = new Set([...taken.keys(), ...byTarget.values()]);
  let next: number = ROUTE_PORTS.first;
  return routes.map((r) => {
    if (r.port !== undefined) return r;
    let port = byTarget.get(r.to);
    if (port === undefined) {
      while (used.has(next)) next++;
      if (next > ROUTE_PORTS.last) {
        throw new ConflictError(`No loopback port is free for routes in ${ROUTE_PORTS.first}..${ROUTE_PORTS.last}.`);
      }
      port = next;
      used.add(port);
      byTarget.set(r.to, port);
    }
    return { ...r, port };
  });
}
