/**
 * The `routes:` of a spec: which host names (and path prefixes) the edge sends to which container port of the
 * compartment. Each route's container publishes its port on a loopback port of its own (`port`, given by
 * quadletman when the spec leaves it out), and only the edge connects to it there. Pure.
 */
import { getLast, parseUnitFile } from '@quadletman/quadlet';
import { z } from 'zod';

export interface RouteSpec {
  /** A DNS name, lower case, no trailing dot. */
  host: string;
  /** A path prefix: `/`, or `/app` (no trailing slash). */
  path: string;
  /** `<unit>:<port>`: a `.container` (not in a pod) or `.pod` unit of the compartment (typed or text), and the
   * port inside it. */
  to: string;
  /** The loopback port (127.0.0.1) the unit publishes the route's port on; undefined until quadletman gives one. */
  port?: number;
}

/** Where quadletman gives routes their loopback ports, unless a spec names one. */
export const ROUTE_PORTS = { first: 20000, last: 29999 } as const;

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const PATH = /^\/(?:[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*)?$/;
const TO = /^([A-Za-z0-9][A-Za-z0-9_.-]*):([0-9]{1,5})$/;

const digits = (what: string) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^[0-9]{1,5}$/, `${what} must be a port 1..65535`)
        .transform(Number),
    ])
    .pipe(z.number().int().min(1, `${what} must be a port 1..65535`).max(65535, `${what} must be a port 1..65535`));

export const routeSchema = z
  .strictObject(
    {
      host: z
        .string({ error: 'host must be a string' })
        .max(253, 'host must be at most 253 characters')
        .transform((h) => h.toLowerCase())
        .refine((h) => HOST.test(h), 'host must be a DNS name: labels of letters, digits and - joined by dots'),
      path: z
        .string({ error: 'path must be a string' })
        .max(1024, 'path must be at most 1024 characters')
        .refine(
          (p) => PATH.test(p) && !p.split('/').some((s) => s === '.' || s === '..'),
          'path must be / or a prefix like /app: segments of letters, digits and . _ ~ - (no trailing /, no . or ..)',
        )
        .default('/'),
      to: z
        .string({ error: 'to must be a string' })
        .regex(TO, 'to must be UNIT:PORT, e.g. web:8080 (a .container or .pod unit of the compartment)')
        .refine((t) => {
          const n = Number(t.slice(t.lastIndexOf(':') + 1));
          return n >= 1 && n <= 65535;
        }, 'to must name a port 1..65535'),
      port: digits('port')
        .refine((p) => p >= 1024, 'port must be 1024 or above (the edge connects to it on 127.0.0.1)')
        .optional(),
    },
    { error: 'must be { host, path, to, port }' },
  )
  .transform((r): RouteSpec => ({ host: r.host, path: r.path, to: r.to, ...(r.port ? { port: r.port } : {}) }));

/** A route's target: the unit's file-name stem and the port inside it. */
export function routeTarget(route: Pick<RouteSpec, 'to'>): { unit: string; port: number } {
  const m = TO.exec(route.to);
  if (!m) throw new Error(`not a route target: ${route.to}`);
  return { unit: m[1]!, port: Number(m[2]) };
}

/** `host/path` as people read a route (`photos.example.org/`, `example.org/app`). */
export const routeKey = (r: Pick<RouteSpec, 'host' | 'path'>): string => `${r.host}${r.path}`;

/** What is wrong with the routes given the compartment's units (by file name), one message per problem with
 * where it is; empty when they are fine. */
export function routeProblems(
  routes: readonly RouteSpec[],
  units: Readonly<Record<string, { format: string; model?: unknown; text?: string }>>,
): { index: number; field: string; message: string }[] {
  const out: { index: number; field: string; message: string }[] = [];
  const keys = new Map<string, number>();
  const ports = new Map<number, number>();
  routes.forEach((r, index) => {
    const key = routeKey(r);
    const other = keys.get(key);
    if (other !== undefined) out.push({ index, field: 'host', message: `${key} is routed twice (routes[${other}])` });
    else keys.set(key, index);
    if (r.port !== undefined) {
      const p = ports.get(r.port);
      if (p !== undefined && routes[p]!.to !== r.to) {
        out.push({ index, field: 'port', message: `port ${r.port} is given to routes[${p}] for another target` });
      } else ports.set(r.port, index);
    }
    const problem = targetProblem(routeTarget(r).unit, units);
    if (problem) out.push({ index, field: 'to', message: problem });
  });
  return out;
}

/** Why `unit` cannot be the target of a route or a provided service (a `.container` not in a pod, or a `.pod`,
 * typed or text), or undefined when it can. */
export function targetProblem(
  unit: string,
  units: Readonly<Record<string, { format: string; model?: unknown; text?: string }>>,
): string | undefined {
  const container = units[`${unit}.container`];
  const pod = units[`${unit}.pod`];
  if (container && (container.format === 'model' || container.format === 'text')) {
    const inPod =
      container.format === 'model'
        ? (container.model as { container?: { pod?: unknown } }).container?.pod !== undefined
        : getLast(parseUnitFile(container.text ?? ''), 'Container', 'Pod') !== undefined;
    return inPod ? `${unit}.container runs in a pod: name the pod (its ports are published by the pod)` : undefined;
  }
  if (pod && (pod.format === 'model' || pod.format === 'text')) return undefined;
  return `the compartment has no ${unit}.container or ${unit}.pod unit`;
}

/** A route as a plan shows it: `photos.example.org/ → web:8080 (127.0.0.1:20000)`. */
export function describeRoute(r: RouteSpec): string {
  return `${routeKey(r)} → ${r.to}${r.port ? ` (127.0.0.1:${r.port})` : ''}`;
}

/** The routes `desired` adds and `applied` had that it no longer has, as plans show them. */
export function routeChanges(
  desired: readonly RouteSpec[],
  applied: readonly RouteSpec[],
): { add: string[]; remove: string[] } {
  const d = new Set(desired.map(describeRoute));
  const a = new Set(applied.map(describeRoute));
  return { add: [...d].filter((x) => !a.has(x)), remove: [...a].filter((x) => !d.has(x)) };
}
