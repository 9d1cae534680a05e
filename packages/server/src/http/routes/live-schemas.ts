/**
 * The live routes' zod schemas: query strings, and the shapes the streams send (the contract for the web
 * client; candidates to move into api/contract.ts).
 */
import { z } from 'zod';
import { CompartmentIdSchema } from '../../core/ids.js';

export const ContainerLiveStateSchema = z.enum([
  'created',
  'initialized',
  'started',
  'died',
  'killed',
  'stopped',
  'removed',
  'paused',
  'unpaused',
  'restarted',
  'oom',
  'healthy',
  'unhealthy',
  'health-starting',
]);
export const UnitLiveStateSchema = z.enum(['activating', 'active', 'reloading', 'deactivating', 'inactive', 'failed']);

/** One `message` event of `/api/events` (its SSE id is `<epoch>-<seq>`). */
export const LiveEventSchema = z.discriminatedUnion('kind', [
  z.object({
    compartment: z.string(),
    kind: z.literal('container'),
    name: z.string(),
    state: ContainerLiveStateSchema,
    exitCode: z.number().int().optional(),
    unit: z.string().optional(),
    at: z.string(),
  }),
  z.object({
    compartment: z.string(),
    kind: z.literal('unit'),
    name: z.string(),
    state: UnitLiveStateSchema,
    result: z.string().optional(),
    exitCode: z.number().int().optional(),
    at: z.string(),
  }),
]);

export const EventsQuery = z.object({ compartment: CompartmentIdSchema.optional() });
export const IdParams = z.object({ id: CompartmentIdSchema });

/** journalctl --since forms: `2026-11-23 07:00[:00]`, ISO 8601, `-10m`, `@1700000000`, today, yesterday… */
const SinceSchema = z
  .string()
  .max(40)
  .regex(/^[0-9A-Za-z :.+@_-]+$/, 'must be a journalctl time (e.g. "2026-11-23 07:00", "-10m", "@1700000000")')
  .refine((s) => !s.startsWith('--'), 'must not start with --');

/** A unit of the compartment: `web.service`, or `web` for `web.service`. */
const UnitQuery = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_:.\-@]*$/, 'must be a unit name')
  .refine((s) => !s.includes('..'), 'must not contain ..');

export const LogsQuery = z.object({
  unit: UnitQuery.optional(),
  /** Several units, comma-separated (the web asks for the compartment's own units, without the user manager's
   * other ones); `unit` wins when both are given. */
  units: z
    .string()
    .max(20_000)
    .transform((s) => s.split(',').filter((u) => u !== ''))
    .pipe(z.array(UnitQuery).max(500))
    .optional(),
  since: SinceSchema.optional(),
  lines: z.coerce.number().int().min(0).max(10_000).default(100),
  follow: z.enum(['0', '1', 'true', 'false']).optional(),
});

export const LogLineSchema = z.object({
  cursor: z.string(),
  time: z.string(),
  priority: z.enum(['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug']),
  unit: z.string(),
  identifier: z.string(),
  message: z.string(),
  pid: z.number().int().optional(),
});

export const StatsSchema = z.object({
  compartment: z.string(),
  at: z.string(),
  memoryAvailable: z.boolean(),
  containers: z.array(
    z.object({
      name: z.string(),
      id: z.string(),
      cpuPercent: z.number(),
      cpuNanos: z.number(),
      memoryBytes: z.number().nullable(),
      memoryLimitBytes: z.number().nullable(),
      memoryPercent: z.number().nullable(),
      pids: z.number().nullable(),
    }),
  ),
});

export const TerminalParams = z.object({
  id: CompartmentIdSchema,
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,252}$/, 'must be a container name'),
});
export const TerminalQuery = z.object({
  cols: z.coerce.number().int().min(2).max(1000).default(80),
  rows: z.coerce.number().int().min(2).max(500).default(24),
});

/** What a terminal client sends in text frames (binary frames are raw input). */
export const TerminalMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input'), data: z.string().max(65_536) }),
  z.object({
    type: z.literal('resize'),
    cols: z.number().int().min(2).max(1000),
    rows: z.number().int().min(2).max(500),
  }),
]);
