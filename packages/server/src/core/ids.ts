// Branded identifiers. They are made only by the zod schemas and parse functions below, at the edge
// (HTTP, CLI, store rows); host adapters accept nothing else, so a string that reaches `useradd`,
// a path join or a systemctl argv has always been checked here first.

import { z } from 'zod';
import { InvalidError } from './errors.js';

/** Compartment slug: lowercase letters, digits, '-'; starts with a letter; no '--'; no trailing '-'; ≤ 32 chars. */
export const CompartmentIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(32, 'must be at most 32 characters')
  .regex(/^[a-z][a-z0-9-]*$/, 'must start with a lowercase letter and contain only a-z, 0-9 and -')
  .refine((s) => !s.includes('--'), 'must not contain --')
  .refine((s) => !s.endsWith('-'), 'must not end with -')
  .brand<'CompartmentId'>();
export type CompartmentId = z.infer<typeof CompartmentIdSchema>;

/** The compartment's Linux user `qm-<id>` or a helper user `qm-<id>-<uid>` (the uid inside the container). */
export const LinuxUserSchema = z
  .string()
  .regex(/^qm-[a-z][a-z0-9-]*$/, 'must be qm-<compartment id> or qm-<compartment id>-<uid>')
  .refine((s) => s.length <= 32 + 3 + 11, 'is too long')
  .refine((s) => !s.includes('--'), 'must not contain --')
  .refine((s) => !s.endsWith('-'), 'must not end with -')
  .brand<'LinuxUser'>();
export type LinuxUser = z.infer<typeof LinuxUserSchema>;

/**
 * A Quadlet source or systemd unit file name: `web.container`, `app.network`, `backup.timer`,
 * `web.service`, `app@.service`, `app@1.service`. No '/', no '..', no leading '.', and a known suffix.
 */
// The Quadlet types first: they are the library's UNIT_TYPES, spelled out here so that this module (part of
// the API contract the web client imports) depends on zod alone; ids.test.ts checks that the two agree.
export const UNIT_SUFFIXES = [
  'container',
  'pod',
  'network',
  'volume',
  'image',
  'build',
  'kube',
  'artifact',
  'service',
  'timer',
  'socket',
  'path',
  'target',
  'mount',
  'slice',
] as const;
export type UnitSuffix = (typeof UNIT_SUFFIXES)[number];
const unitRe = new RegExp(`^[A-Za-z0-9_][A-Za-z0-9_:.\\-@]*\\.(${UNIT_SUFFIXES.join('|')})$`);

export const UnitNameSchema = z
  .string()
  .max(255, 'must be at most 255 characters')
  .regex(unitRe, `must be a file name of letters, digits, _ : . - @ ending in .${UNIT_SUFFIXES.join('|.')}`)
  .refine((s) => !s.includes('..'), 'must not contain ..')
  .brand<'UnitName'>();
export type UnitName = z.infer<typeof UnitNameSchema>;

function parseWith<S extends z.ZodType>(schema: S, what: string, value: unknown, where?: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const reasons = r.error.issues.map((i) => i.message).join('; ');
  const at = where ? ` (at ${where})` : '';
  throw new InvalidError(`invalid ${what} ${JSON.stringify(value)}${at}: ${reasons}`, {
    details: { what, where, value: typeof value === 'string' ? value : undefined },
  });
}

export const parseCompartmentId = (v: unknown, where?: string): CompartmentId =>
  parseWith(CompartmentIdSchema, 'compartment id', v, where);
export const parseLinuxUser = (v: unknown, where?: string): LinuxUser =>
  parseWith(LinuxUserSchema, 'Linux user', v, where);
export const parseUnitName = (v: unknown, where?: string): UnitName => parseWith(UnitNameSchema, 'unit name', v, where);

/** The compartment's own user. */
export const compartmentUser = (id: CompartmentId): LinuxUser => `qm-${id}` as LinuxUser;

/** A helper user for an explicit UID map: `qm-<id>-<uid>`, uid being the id inside the container (1..65535). */
export function helperUser(id: CompartmentId, containerUid: number): LinuxUser {
  if (!Number.isInteger(containerUid) || containerUid < 1 || containerUid > 65535) {
    throw new InvalidError(`invalid container uid ${containerUid}: must be an integer in 1..65535`);
  }
  return `qm-${id}-${containerUid}` as LinuxUser;
}

/** The Quadlet source kinds; the service a source generates is derived from its name. */
export const QUADLET_SOURCE_SUFFIXES = [
  'container',
  'pod',
  'network',
  'volume',
  'image',
  'build',
  'kube',
  'artifact',
] as const;

/**
 * The systemd service Quadlet generates from a source file (`web.container` and `web.kube` → `web.service`,
 * `app.network` → `app-network.service`, `app.pod` → `app-pod.service`). Units that are not Quadlet
 * sources (`.service`, `.timer`, …) map to themselves. Ignores `ServiceName=` overrides.
 */
export function generatedServiceName(unit: UnitName): UnitName {
  const dot = unit.lastIndexOf('.');
  const base = unit.slice(0, dot);
  const suffix = unit.slice(dot + 1);
  if (suffix === 'container' || suffix === 'kube') return `${base}.service` as UnitName;
  if ((QUADLET_SOURCE_SUFFIXES as readonly string[]).includes(suffix)) return `${base}-${suffix}.service` as UnitName;
  return unit;
}
