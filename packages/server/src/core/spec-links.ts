/**
 * Connections between compartments: what a compartment `provides:` to others (a service name for a port of one of
 * its units) and what it `uses:` of others (a provider's service under a name of its own). A provided service is
 * published on a loopback port of its own (`port`, given by quadletman like a route's), which only the
 * compartments that declared the use may connect to (the loopback guard); their containers reach it at
 * LINK_ADDRESS through pasta's host-loopback mapping and read where it is from `<AS>_HOST`, `<AS>_PORT` and
 * `<AS>_ADDR`. Pure.
 */
import { z } from 'zod';
import { CompartmentIdSchema } from './ids.js';
import { routeTarget, targetProblem } from './spec-routes.js';
import { dispatch } from './spec-sections.js';

export interface ProvideSpec {
  /** The name consumers use it by: lower case letters, digits and -. */
  service: string;
  /** `<unit>:<port>`: a `.container` (not in a pod) or `.pod` unit of the compartment, and the port inside it. */
  to: string;
  /** The loopback port (127.0.0.1) it is published on; undefined until quadletman gives one. */
  port?: number;
}

export interface UseSpec {
  /** The providing compartment's id. */
  compartment: string;
  /** The service it provides. */
  service: string;
  /** The prefix of the environment variables that tell the consumer's containers where it is (`DB` → `DB_HOST`). */
  as: string;
  /** The provider's loopback port for it, as quadletman found it when planning (the consumer does not choose it). */
  port?: number;
}

/** Where quadletman gives provided services their loopback ports, unless a spec names one. */
export const LINK_PORTS = { first: 30000, last: 30999 } as const;

/** The address a consumer's containers reach the host's loopback at (pasta's `--map-host-loopback`): a link-local
 * address, so that it never collides with a network of the user's. */
export const LINK_ADDRESS = '169.254.1.3';

const SERVICE = /^[a-z][a-z0-9-]{0,31}$/;
const AS = /^[A-Z][A-Z0-9_]{0,31}$/;
const TO = /^([A-Za-z0-9][A-Za-z0-9_.-]*):([0-9]{1,5})$/;

const portOf = (what: string) => {
  const range = z
    .number({ error: `${what} must be a port` })
    .int(`${what} must be a whole number`)
    .min(1024, `${what} must be 1024..65535 (it is a loopback port of the host)`)
    .max(65535, `${what} must be 1024..65535 (it is a loopback port of the host)`);
  // by the value's type: a zod union would lose the messages
  return dispatch<number>((v) =>
    typeof v === 'string'
      ? z
          .string()
          .regex(/^[0-9]{1,5}$/, `${what} must be a port`)
          .transform(Number)
          .pipe(range)
      : range,
  );
};

const toSchema = z
  .string({ error: 'must be UNIT:PORT, e.g. postgres:5432' })
  .regex(TO, 'must be UNIT:PORT, e.g. postgres:5432 (a .container or .pod unit of the compartment)')
  .refine((t) => {
    const n = Number(t.slice(t.lastIndexOf(':') + 1));
    return !TO.test(t) || (n >= 1 && n <= 65535);
  }, 'must name a port 1..65535');

/** One entry of `provides:` (its key is the service): `UNIT:PORT`, or `{ to: UNIT:PORT, port }`. */
export const provideSchema = dispatch<{ to: string; port?: number }>((v) =>
  typeof v === 'string'
    ? toSchema.transform((to) => ({ to }))
    : z.strictObject({ to: toSchema, port: portOf('port').optional() }, { error: 'must be UNIT:PORT or { to, port }' }),
);

export const serviceNameSchema = z
  .string()
  .regex(SERVICE, 'a service name must be lower case letters, digits and - (up to 32, starting with a letter)');

export const useSchema = z
  .strictObject(
    {
      compartment: CompartmentIdSchema,
      service: serviceNameSchema,
      as: z
        .string({ error: 'as must be a string' })
        .regex(AS, 'as must be an environment name prefix: upper case letters, digits and _ (e.g. DB)'),
      port: portOf('port').optional(),
    },
    { error: 'must be { compartment, service, as }' },
  )
  .transform(
    (u): UseSpec => ({ compartment: u.compartment, service: u.service, as: u.as, ...(u.port ? { port: u.port } : {}) }),
  );

/** The variables a consumer's containers get for one use, sorted by name. */
export function linkEnvironment(use: Pick<UseSpec, 'as'>, port: number): [string, string][] {
  return [
    [`${use.as}_ADDR`, `${LINK_ADDRESS}:${port}`],
    [`${use.as}_HOST`, LINK_ADDRESS],
    [`${use.as}_PORT`, String(port)],
  ];
}

/** What is wrong with the provides and uses given the compartment's units, one message per problem with where it
 * is; empty when they are fine. */
export function linkProblems(
  provides: readonly ProvideSpec[],
  uses: readonly UseSpec[],
  units: Readonly<Record<string, { format: string; model?: unknown; text?: string }>>,
  self?: string,
): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const ports = new Map<number, string>();
  for (const p of provides) {
    const problem = targetProblem(routeTarget(p).unit, units);
    if (problem) out.push({ path: ['provides', p.service], message: problem });
    if (p.port !== undefined) {
      const other = ports.get(p.port);
      if (other !== undefined) {
        out.push({ path: ['provides', p.service, 'port'], message: `port ${p.port} is given to '${other}' too` });
      } else ports.set(p.port, p.service);
    }
  }
  const names = new Map<string, number>();
  const used = new Map<string, number>();
  uses.forEach((u, i) => {
    if (self !== undefined && u.compartment === self) {
      out.push({ path: ['uses', i, 'compartment'], message: 'a compartment does not use its own services' });
    }
    const dup = names.get(u.as);
    if (dup !== undefined) out.push({ path: ['uses', i, 'as'], message: `${u.as} is taken by uses[${dup}]` });
    else names.set(u.as, i);
    const key = `${u.compartment}/${u.service}`;
    const twice = used.get(key);
    if (twice !== undefined) out.push({ path: ['uses', i], message: `${key} is used by uses[${twice}] already` });
    else used.set(key, i);
  });
  return out;
}

/** A provided service as a plan shows it: `db → postgres:5432 (127.0.0.1:30000)`. */
export const describeProvide = (p: ProvideSpec): string =>
  `${p.service} → ${p.to}${p.port ? ` (127.0.0.1:${p.port})` : ''}`;

/** A use as a plan shows it: `DB ← pg/db`. */
export const describeUse = (u: UseSpec): string => `${u.as} ← ${u.compartment}/${u.service}`;

/** What `desired` adds and `applied` had that it no longer has, as plans show them. */
export function linkChanges(
  desired: { provides: readonly ProvideSpec[]; uses: readonly UseSpec[] },
  applied: { provides: readonly ProvideSpec[]; uses: readonly UseSpec[] },
): { add: string[]; remove: string[] } {
  const d = new Set([...desired.provides.map(describeProvide), ...desired.uses.map(describeUse)]);
  const a = new Set([...applied.provides.map(describeProvide), ...applied.uses.map(describeUse)]);
  return { add: [...d].filter((x) => !a.has(x)), remove: [...a].filter((x) => !d.has(x)) };
}
