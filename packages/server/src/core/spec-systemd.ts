// systemd's own units in a spec (`.socket`, `.service`, `.target`, beside Quadlet units and timers): which
// services the compartment's units make, which service each socket activates, and the problems between them.
// Pure: the spec's units in, problems (with the spec path they belong to) out.
//
// - A declared `.service`, `.socket` or `.target` must not take a name a Quadlet unit's generated service, a
//   timer's job or the compartment's own target has: the file in the user's unit folder would hide it.
// - A socket activates `Service=`, else `<name>.service` (`<name>@.service` with `Accept=yes`); that service must
//   be one of the compartment's (a declared `.service` or a Quadlet unit's service: `web.socket` beside
//   `web.container` is Podman's socket activation). systemd refuses to start a socket whose service is missing.

import { isDropIn, lookup, MAIN_SECTION, parseUnitFile, unitTypeOfFile } from '@quadletman/quadlet';
import type { CompartmentId } from './ids.js';
import { socketTarget } from './plan.js';
import type { SocketSection, UnitSpec } from './spec.js';
import type { PathPart } from './spec-sections.js';

export interface SystemdProblem {
  path: PathPart[];
  message: string;
}

const SYSTEMD_SUFFIX = /\.(socket|service|target|timer)$/;

/** Whether a spec unit's file is one of systemd's own (rendered into the user's unit folder). */
export const isSystemdUnitName = (name: string): boolean => SYSTEMD_SUFFIX.test(name);

const baseOf = (name: string) => name.slice(0, name.lastIndexOf('.'));

/** The service a Quadlet source generates (`ServiceName=` wins; `web@.container` → `web@.service`). */
function quadletService(name: string, u: UnitSpec): string | undefined {
  const type = unitTypeOfFile(name);
  if (type === undefined || isDropIn(name)) return undefined;
  let custom: string | undefined;
  if (u.format === 'text') custom = lookup(parseUnitFile(u.text), MAIN_SECTION[type], 'ServiceName');
  else if (u.format === 'model') {
    const main = (u.model as unknown as Record<string, Record<string, unknown> | undefined>)[type];
    const typed = main?.serviceName;
    custom =
      typeof typed === 'string'
        ? typed
        : u.model.extra.filter(([s, k]) => s === MAIN_SECTION[type] && k === 'ServiceName').at(-1)?.[2];
  }
  if (custom) return custom.endsWith('.service') ? custom : `${custom}.service`;
  const base = baseOf(name);
  return type === 'container' || type === 'kube' ? `${base}.service` : `${base}-${type}.service`;
}

/** The service a timer's job runs as (`<name>.service`, or its container's `ServiceName=`). */
function timerJobService(name: string, u: UnitSpec): string | undefined {
  if (u.format !== 'timer') return undefined;
  const custom = u.job.extra.filter(([s, k]) => s === 'Container' && k === 'ServiceName').at(-1)?.[2];
  if (custom) return custom.endsWith('.service') ? custom : `${custom}.service`;
  return `${baseOf(name)}.service`;
}

/** The service a socket activates: `Service=`, else `<name>.service`, or `<name>@.service` with `Accept=yes`. */
export function socketService(name: string, u: UnitSpec): string | undefined {
  if (!name.endsWith('.socket')) return undefined;
  if (u.format === 'text') return socketTarget(name, u.text);
  if (u.format !== 'systemd') return undefined;
  const s: SocketSection = u.socket ?? {};
  const service = s.service ?? u.extra.filter(([sec, k]) => sec === 'Socket' && k === 'Service').at(-1)?.[2];
  if (service) return service;
  return s.accept ? `${baseOf(name)}@.service` : `${baseOf(name)}.service`;
}

/** Every service name the compartment's units bring, with who brings it. */
function servicesOf(units: Readonly<Record<string, UnitSpec>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, u] of Object.entries(units)) {
    const svc = quadletService(name, u);
    if (svc) out.set(svc, `the generated service of ${name}`);
    const job = timerJobService(name, u);
    if (job) out.set(job, `the job of ${name}`);
  }
  return out;
}

/** The problems between the compartment's systemd units and the rest of its units. */
export function systemdUnitProblems(units: Readonly<Record<string, UnitSpec>>, id: CompartmentId): SystemdProblem[] {
  const problems: SystemdProblem[] = [];
  const generated = servicesOf(units);
  generated.set(`${id}.target`, "the compartment's own target");
  const declared = new Set(Object.keys(units).filter((n) => n.endsWith('.service')));
  for (const name of Object.keys(units)) {
    if (!/\.(socket|service|target)$/.test(name)) continue;
    const holder = generated.get(name);
    if (holder !== undefined) {
      problems.push({
        path: ['units', name],
        message: `${name} is already ${holder}; a unit file of that name would hide it (choose another name)`,
      });
    }
  }
  for (const [name, u] of Object.entries(units)) {
    const svc = socketService(name, u);
    if (svc === undefined || declared.has(svc) || generated.has(svc)) continue;
    const typed = u.format === 'systemd';
    const services = [...new Set([...declared, ...generated.keys()])].filter((s) => s.endsWith('.service')).sort();
    problems.push({
      path: typed ? ['units', name, 'socket'] : ['units', name],
      message:
        `the socket activates ${svc}, which the compartment does not have` +
        (services.length > 0 ? ` (its services: ${services.join(', ')})` : '') +
        `; declare ${svc}, a ${baseOf(svc)}.container, or name one with Service=`,
    });
  }
  return problems;
}
