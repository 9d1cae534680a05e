// A compartment's desired state: the declarative spec users write (`quadletman apply -f FILE`, YAML or JSON),
// validated at the edge into `DesiredState`, the normalized value the store keeps and the renderer reads.
//
//   compartment: web                 # CompartmentId
//   description: Blog                # optional, never rendered
//   podmanVersion: "5.4"             # optional: lint against this Podman
//   network: {}                      # the default network <id>.network ([Network] keys); false for none
//   units:                           # by file name: a typed model, a timer with its job, or raw text
//     web.container:
//       container: { image: docker.io/library/nginx:1.27, publishPort: ["8080:80"], volume: ["data:/srv"] }
//       service: { Restart: on-failure }          # Quadlet/systemd key spellings work too
//     backup.timer:
//       timer: { onCalendar: daily, persistent: true }
//       job: { container: { image: docker.io/library/busybox, exec: [sh, -c, "echo backup"] } }
//     legacy.container:
//       text: "[Container]\nImage=docker.io/library/redis\n"
//     web.socket:                    # systemd's own units: .socket, .service, .target (typed or text)
//       socket: { listenStream: ["127.0.0.1:8080"] }
//   volumes: { data: {}, cache: { kind: podman, options: { driver: local } } }   # host dir or Podman volume
//   files: { web.env: { content: "A=1\n", mode: 0o600 } }
//   secrets: [db-password]
//   registries: [{ registry: docker.io, username: bob }]
//   probes: [{ name: web, type: http, port: 8080, path: /, expectStatus: 200, timeoutMs: 5000 }]
//
// Everything hostile is refused here with every problem and its path (see values.ts for the rules).

import {
  type ContainerUnit,
  type Extra,
  INSTALL_FIELDS,
  type InstallSection,
  MAIN_FIELDS,
  MAIN_SECTION,
  type NetworkSection,
  parseVersion,
  QUADLET_FIELDS,
  SERVICE_FIELDS,
  UNIT_FIELDS,
  UNIT_TYPES,
  type UnitModel,
  type UnitSection,
  type UnitType,
  type VolumeSection,
} from '@quadletman/quadlet';
import { Document, parseDocument, visit } from 'yaml';
import { z } from 'zod';
import { InvalidError } from './errors.js';
import { type CompartmentId, CompartmentIdSchema, helperUser, type UnitName, UnitNameSchema } from './ids.js';
import {
  linkProblems,
  type ProvideSpec,
  provideSchema,
  serviceNameSchema,
  type UseSpec,
  useSchema,
} from './spec-links.js';
import { type RouteSpec, routeProblems, routeSchema } from './spec-routes.js';
import {
  dispatch,
  formatPath,
  IssueSink,
  type PathPart,
  type ReadSection,
  readExtraTuple,
  readSectionSpec,
  registryKnows,
  type SectionValues,
  type SpecIssue,
  type Table,
} from './spec-sections.js';
import { systemdUnitProblems } from './spec-systemd.js';
import { plainTextProblem, relativePathProblem, textProblem } from './values.js';

export type { ProvideSpec, UseSpec } from './spec-links.js';
export type { RouteSpec } from './spec-routes.js';
export type { SpecIssue } from './spec-sections.js';

// ---------------------------------------------------------------------------------------------------------
// The normalized desired state

/** The [Timer] keys modelled as fields; every other key systemd knows is written by name (an extra). */
export interface TimerSection {
  onCalendar?: string[];
  onActiveSec?: string[];
  onBootSec?: string[];
  onStartupSec?: string[];
  onUnitActiveSec?: string[];
  onUnitInactiveSec?: string[];
  accuracySec?: string;
  randomizedDelaySec?: string;
  persistent?: boolean;
  unit?: string;
}

export const TIMER_FIELDS: Table = {
  onCalendar: ['OnCalendar', 'list'],
  onActiveSec: ['OnActiveSec', 'list'],
  onBootSec: ['OnBootSec', 'list'],
  onStartupSec: ['OnStartupSec', 'list'],
  onUnitActiveSec: ['OnUnitActiveSec', 'list'],
  onUnitInactiveSec: ['OnUnitInactiveSec', 'list'],
  accuracySec: ['AccuracySec', 'string'],
  randomizedDelaySec: ['RandomizedDelaySec', 'string'],
  persistent: ['Persistent', 'bool'],
  unit: ['Unit', 'string'],
};

export interface TimerModel {
  unit?: UnitSection;
  timer: TimerSection;
  install?: InstallSection;
  extra: Extra[];
}

/** A Quadlet source as a typed model (the library's `UnitModel`; values unescaped, see render.ts). */
export interface ModelUnitSpec {
  format: 'model';
  model: UnitModel;
  /** A `.container`'s image pinned to a digest (`sha256:…`; `digest`: the digest its name has now, resolved at
   * the next apply): the rendered Image= names the digest, and upgrades rewrite it. */
  pin?: string;
  /** What the server's scheduled update checks do when the image has an update: tell (`notify`) or run the
   * gated upgrade (`apply`). Unset: notify. */
  updates?: UpdatesMode;
  /** A `.container`'s container UIDs (1..65535) that get a helper user `qm-<id>-<uid>` on the host, so the files
   * the container writes as them show a name there; the container gets a full explicit `UIDMap=` block. */
  uidMap?: number[];
  /** The same for GIDs (`GIDMap=`); unset: the uidMap's ids. */
  gidMap?: number[];
}
export type UpdatesMode = 'notify' | 'apply';
/** `<name>.timer` and the one-shot container job it starts (`<name>.container` → `<name>.service`). */
export interface TimerUnitSpec {
  format: 'timer';
  timer: TimerModel;
  job: ContainerUnit;
}
/** A unit kept verbatim (adopted files, or anything the models do not cover). */
export interface TextUnitSpec {
  format: 'text';
  text: string;
}

/** The [Socket] keys modelled as fields; every other key systemd knows is written by name (an extra). */
export interface SocketSection {
  listenStream?: string[];
  listenDatagram?: string[];
  listenSequentialPacket?: string[];
  listenFIFO?: string[];
  accept?: boolean;
  service?: string;
  socketMode?: string;
  fileDescriptorName?: string;
}

export const SOCKET_FIELDS: Table = {
  listenStream: ['ListenStream', 'list'],
  listenDatagram: ['ListenDatagram', 'list'],
  listenSequentialPacket: ['ListenSequentialPacket', 'list'],
  listenFIFO: ['ListenFIFO', 'list'],
  accept: ['Accept', 'bool'],
  service: ['Service', 'string'],
  socketMode: ['SocketMode', 'string'],
  fileDescriptorName: ['FileDescriptorName', 'string'],
};

/** A plain service's [Service]: Quadlet's fields plus the command lines Quadlet writes itself. */
export const PLAIN_SERVICE_FIELDS: Table = {
  ...(SERVICE_FIELDS as Table),
  execStart: ['ExecStart', 'list'],
};

/** systemd's own unit types a compartment may declare besides Quadlet units and timer jobs. */
export const SYSTEMD_KINDS = ['socket', 'service', 'target'] as const;
export type SystemdKind = (typeof SYSTEMD_KINDS)[number];

/** A `.socket`, `.service` or `.target` of systemd's own, as typed sections (rendered into the user's units). */
export interface SystemdUnitSpec {
  format: 'systemd';
  kind: SystemdKind;
  unit?: UnitSection;
  /** `[Socket]` (a socket) or `[Service]` (a service); a target has neither. */
  socket?: SocketSection;
  service?: Record<string, unknown>;
  install?: InstallSection;
  extra: Extra[];
}
export type UnitSpec = ModelUnitSpec | TimerUnitSpec | SystemdUnitSpec | TextUnitSpec;

/** A managed host directory (`<volumes root>/<compartment>/<name>`) or a named Podman volume (`<name>.volume`). */
export type VolumeSpec = { kind: 'host'; owner?: number } | { kind: 'podman'; options: VolumeSection };

/** A config file: in the compartment's files folder (`files`) or beside the Quadlet units (`quadlet`). */
export interface FileSpec {
  content: string;
  mode: number;
  in: 'files' | 'quadlet';
}

export interface SecretSpec {
  name: string;
  description?: string;
}

export interface RegistryLogin {
  registry: string;
  username: string;
}

export type ProbeSpec =
  | {
      name: string;
      type: 'http';
      port: number;
      host: string;
      path: string;
      scheme: 'http' | 'https';
      expectStatus: number;
      timeoutMs: number;
    }
  | { name: string; type: 'tcp'; port: number; host: string; timeoutMs: number };

export interface DesiredState {
  id: CompartmentId;
  description: string;
  /** `major.minor`; null: the newest Podman quadletman knows. */
  podmanVersion: string | null;
  /** The default network's [Network] section; null: the compartment has no default network. */
  network: NetworkSection | null;
  /** By file name, sorted. */
  units: Record<string, UnitSpec>;
  volumes: Record<string, VolumeSpec>;
  files: Record<string, FileSpec>;
  secrets: SecretSpec[];
  registries: RegistryLogin[];
  probes: ProbeSpec[];
  /** What the edge routes to the compartment's units, by host and path (sorted). */
  routes: RouteSpec[];
  /** What the compartment offers other compartments, by service name (sorted). */
  provides: ProvideSpec[];
  /** What it uses of other compartments, by `as` (sorted). */
  uses: UseSpec[];
  /** The command a `hook` mode backup runs first in one of its containers (a database's dump into its volume). */
  backupHook?: BackupHookSpec;
}

/** `backup: { hook: { unit, exec } }`: `exec` (an argv, no shell) runs in the container of the `.container` unit
 * `unit` with `podman exec`; the backup goes on only when it exits 0. */
export interface BackupHookSpec {
  unit: string;
  exec: string[];
}

/** The file name of a compartment's default network. */
export const defaultNetworkName = (id: CompartmentId): UnitName => `${id}.network` as UnitName;

// ---------------------------------------------------------------------------------------------------------
// Schemas of the parts that are plain data

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const nameSchema = (what: string, max: number) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)
    .regex(NAME, `${what} must start with a letter or digit and use only letters, digits and _ . -`);

const plainText = (max: number) =>
  z.string().superRefine((s, ctx) => {
    const p = plainTextProblem(s, max);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

const volumeNameSchema = nameSchema('volume name', 64);

const modeSchema = z
  .union([z.number().int(), z.string().regex(/^0?o?[0-7]{3,4}$/, 'must be an octal mode like "0640"')])
  .transform((m) => (typeof m === 'number' ? m : Number.parseInt(m.replace(/^0?o?/, ''), 8)))
  .refine((m) => m >= 0 && m <= 0o777, 'must be a permission mode between 0000 and 0777 (no setuid/setgid/sticky)')
  .refine((m) => (m & 0o600) === 0o600, 'must let the owner read and write (at least 0600)');

const fileSchema = dispatch<{ content: string; mode?: number; in?: 'files' | 'quadlet' }>((v) =>
  typeof v === 'string'
    ? z.string().transform((content) => ({ content }))
    : z.strictObject(
        {
          content: z.string({ error: 'content must be a string' }),
          mode: modeSchema.optional(),
          in: z.enum(['files', 'quadlet']).optional(),
        },
        { error: 'must be the content, or { content, mode, in }' },
      ),
)
  .superRefine((f, ctx) => {
    const p = textProblem(f.content);
    if (p) ctx.addIssue({ code: 'custom', path: ['content'], message: p });
  })
  .transform(
    (f): FileSpec => ({
      content: f.content,
      mode: f.mode ?? 0o644,
      in: f.in ?? 'files',
    }),
  );

const secretSchema = dispatch<SecretSpec>((v) =>
  typeof v === 'string'
    ? nameSchema('secret name', 253).transform((name): SecretSpec => ({ name }))
    : z
        .strictObject(
          { name: nameSchema('secret name', 253), description: plainText(1024).optional() },
          { error: 'must be a name or { name, description }' },
        )
        .transform(
          (s): SecretSpec => (s.description ? { name: s.name, description: s.description } : { name: s.name }),
        ),
);

const registrySchema = z
  .object({
    registry: z
      .string()
      .max(255)
      .regex(
        /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9._-]+)*$/,
        'must be a registry host name (lowercase), optionally with :port and a /path',
      ),
    username: z
      .string()
      .min(1, 'must not be empty')
      .max(255)
      .regex(/^[^\s\p{Cc}]+$/u, 'must not contain whitespace or control characters')
      .superRefine((u, ctx) => {
        // (a lone surrogate: the store keeps UTF-8 and would give back U+FFFD)
        const p = plainTextProblem(u, 255);
        if (p) ctx.addIssue({ code: 'custom', message: p });
      }),
  })
  .catchall(z.unknown())
  .superRefine((r, ctx) => {
    for (const k of Object.keys(r)) {
      if (k === 'registry' || k === 'username') continue;
      const secret = /pass|token|secret/i.test(k);
      ctx.addIssue({
        code: 'custom',
        path: [k],
        message: secret
          ? 'passwords and tokens are never part of a spec: log in with `quadletman login`, which passes them to podman only'
          : 'unknown key (a registry login has registry and username)',
      });
    }
  })
  .transform((r): RegistryLogin => ({ registry: r.registry, username: r.username }));

// a port may be written as a string of digits too: a template's `"${port}"` is one after interpolation
const port = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^[0-9]{1,5}$/, 'must be a port 1..65535')
      .transform(Number),
  ])
  .pipe(z.number().int().min(1, 'must be a port 1..65535').max(65535, 'must be a port 1..65535'));
const probeHost = z
  .string()
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or IP address');
const timeoutMs = z.number().int().min(100, 'must be at least 100 ms').max(600_000, 'must be at most 600000 ms');

const probeSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      name: nameSchema('probe name', 64),
      type: z.literal('http'),
      port,
      host: probeHost.default('127.0.0.1'),
      path: z
        .string()
        .max(2048)
        .regex(/^\/[\x21-\x7e]*$/, 'must start with / and contain only printable ASCII without spaces')
        .default('/'),
      scheme: z.enum(['http', 'https']).default('http'),
      expectStatus: z.number().int().min(100).max(599).default(200),
      timeoutMs: timeoutMs.default(5000),
    }),
    z.strictObject({
      name: nameSchema('probe name', 64),
      type: z.literal('tcp'),
      port,
      host: probeHost.default('127.0.0.1'),
      timeoutMs: timeoutMs.default(5000),
    }),
  ],
  { error: 'type must be "http" or "tcp"' },
);

const topSchema = z.strictObject({
  version: z.literal(1, { error: 'version must be 1' }).optional(),
  compartment: CompartmentIdSchema,
  description: plainText(1024).optional(),
  podmanVersion: z
    .union([z.string(), z.number().transform(String)])
    .refine((v) => parseVersion(v) !== undefined, 'must be a Podman version like "5.4"')
    .optional(),
  network: z.union([z.literal(false), z.record(z.string(), z.unknown()), z.null()]).optional(),
  units: z.record(z.string(), z.unknown()).optional(),
  volumes: z.record(z.string(), z.unknown()).optional(),
  files: z.record(z.string(), z.unknown()).optional(),
  secrets: z.array(z.unknown()).max(1000).optional(),
  registries: z.array(z.unknown()).max(100).optional(),
  probes: z.array(z.unknown()).max(100).optional(),
  routes: z.array(z.unknown()).max(100).optional(),
  provides: z.record(z.string(), z.unknown()).optional(),
  uses: z.array(z.unknown()).max(100).optional(),
  backup: z.unknown().optional(),
});

// ---------------------------------------------------------------------------------------------------------
// Units

const QUADLET_TYPES: readonly UnitType[] = UNIT_TYPES;
const SECTION_ORDER = ['Unit', 'Container', 'Pod', 'Network', 'Volume', 'Image', 'Build', 'Kube', 'Artifact'];

type SectionSpec = readonly [prop: string, section: string, table: Table];

function sectionsOfType(type: UnitType): SectionSpec[] {
  return [
    ['unit', 'Unit', UNIT_FIELDS as Table],
    [type, MAIN_SECTION[type], MAIN_FIELDS[type] as Table],
    ['quadlet', 'Quadlet', QUADLET_FIELDS as Table],
    ['service', 'Service', SERVICE_FIELDS as Table],
    ['install', 'Install', INSTALL_FIELDS as Table],
  ];
}

const TIMER_SECTIONS: SectionSpec[] = [
  ['unit', 'Unit', UNIT_FIELDS as Table],
  ['timer', 'Timer', TIMER_FIELDS],
  ['install', 'Install', INSTALL_FIELDS as Table],
];

/** The sections of systemd's own unit types; the second, when there is one, is the unit's main section. */
export const SYSTEMD_SECTIONS: Readonly<Record<SystemdKind, readonly SectionSpec[]>> = {
  socket: [
    ['unit', 'Unit', UNIT_FIELDS as Table],
    ['socket', 'Socket', SOCKET_FIELDS],
    ['install', 'Install', INSTALL_FIELDS as Table],
  ],
  service: [
    ['unit', 'Unit', UNIT_FIELDS as Table],
    ['service', 'Service', PLAIN_SERVICE_FIELDS],
    ['install', 'Install', INSTALL_FIELDS as Table],
  ],
  target: [
    ['unit', 'Unit', UNIT_FIELDS as Table],
    ['install', 'Install', INSTALL_FIELDS as Table],
  ],
};

/** Extras in a fixed order: by section (file order of the model), then key; values keep their order. */
function sortExtras(extras: Extra[], sections: readonly SectionSpec[]): Extra[] {
  const rank = (s: string) => {
    const i = sections.findIndex(([, name]) => name === s);
    return i >= 0 ? i : sections.length + SECTION_ORDER.indexOf(s);
  };
  return extras
    .map((e, i) => [e, i] as const)
    .sort(([a, i], [b, j]) => rank(a[0]) - rank(b[0]) || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || i - j)
    .map(([e]) => e);
}

/** Reads a typed unit (sections by property name + `extra`); the main section is required to exist as `{}`. */
function readModel(
  raw: unknown,
  sections: readonly SectionSpec[],
  path: readonly PathPart[],
  sink: IssueSink,
  allowed: readonly string[],
  /** The section that is written even when empty (null: none); default: the second. */
  mainProp: string | null = sections[1]?.[0] ?? null,
): Record<string, unknown> | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    sink.add(path, 'must be an object');
    return undefined;
  }
  const obj = raw as Record<string, unknown>;
  const props = new Set([...sections.map(([p]) => p), 'extra', ...allowed]);
  for (const k of Object.keys(obj)) {
    if (!props.has(k)) {
      sink.add([...path, k], `unknown property; expected one of ${[...props].join(', ')}`);
    }
  }
  const out: Record<string, unknown> = {};
  let extras: Extra[] = [];
  let ok = true;
  for (const [prop, section, table] of sections) {
    const main = prop === mainProp;
    if (!main && (obj[prop] === undefined || obj[prop] === null)) continue;
    const read: ReadSection | undefined = readSectionSpec(obj[prop], section, table, [...path, prop], sink);
    if (!read) {
      ok = false;
      continue;
    }
    // an explicit empty section stays: `install: {}` means "no [Install]" (no default WantedBy=)
    out[prop] = read.values;
    extras.push(...read.extras);
  }
  if (obj.extra !== undefined) {
    if (!Array.isArray(obj.extra)) sink.add([...path, 'extra'], 'must be a list of [section, key, value]');
    else {
      const tables = new Map(sections.map(([, s, t]) => [s, t]));
      const names = sections.map(([, s]) => s);
      obj.extra.forEach((e, i) => {
        const t = readExtraTuple(e, names, tables, [...path, 'extra', i], sink);
        if (t) extras.push(t);
      });
    }
  }
  extras = sortExtras(extras, sections);
  return ok ? { ...out, extra: extras } : undefined;
}

function readUnit(name: string, raw: unknown, sink: IssueSink): UnitSpec | undefined {
  const path: PathPart[] = ['units', name];
  const parsedName = UnitNameSchema.safeParse(name);
  if (!parsedName.success) {
    sink.add(path, `invalid unit file name: ${parsedName.error.issues.map((i) => i.message).join('; ')}`);
    return undefined;
  }
  const suffix = name.slice(name.lastIndexOf('.') + 1);
  const isTimer = suffix === 'timer';
  const type = QUADLET_TYPES.find((t) => t === suffix);
  const kind = SYSTEMD_KINDS.find((k) => k === suffix);
  if (!isTimer && type === undefined && kind === undefined) {
    sink.add(
      path,
      `a compartment holds Quadlet units (.${QUADLET_TYPES.join(', .')}) and systemd's .timer, .${SYSTEMD_KINDS.join(', .')} units`,
    );
    return undefined;
  }
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'text' in raw) {
    const extraKeys = Object.keys(raw).filter((k) => k !== 'text');
    if (extraKeys.length > 0) sink.add([...path, extraKeys[0]!], 'a raw unit has only "text"');
    const text = (raw as { text: unknown }).text;
    if (typeof text !== 'string') {
      sink.add([...path, 'text'], 'must be a string');
      return undefined;
    }
    const p = textProblem(text);
    if (p) {
      sink.add([...path, 'text'], p);
      return undefined;
    }
    return { format: 'text', text };
  }
  if (isTimer) {
    const timer = readModel(raw, TIMER_SECTIONS, path, sink, ['job']);
    const jobRaw = (raw as Record<string, unknown> | null)?.job;
    if (jobRaw === undefined) {
      sink.add([...path, 'job'], 'a timer needs its job: { container: { image: … } }');
      return undefined;
    }
    const job = readModel(jobRaw, sectionsOfType('container'), [...path, 'job'], sink, []);
    if (!timer || !job) return undefined;
    if (job.install !== undefined) {
      sink.add([...path, 'job', 'install'], 'a timer job is started by its timer and has no [Install] section');
    }
    return {
      format: 'timer',
      timer: timer as unknown as TimerModel,
      job: { type: 'container', ...job } as ContainerUnit,
    };
  }
  if (kind !== undefined) {
    const sections = SYSTEMD_SECTIONS[kind];
    const main = kind === 'target' ? null : kind;
    const model = readModel(raw, sections, path, sink, [], main);
    if (!model) return undefined;
    return { format: 'systemd', kind, ...model } as SystemdUnitSpec;
  }
  const policy = type === 'container' ? ['pin', 'updates', 'uidMap', 'gidMap'] : [];
  const model = readModel(raw, sectionsOfType(type!), path, sink, policy);
  if (!model) return undefined;
  const out: ModelUnitSpec = { format: 'model', model: { type: type!, ...model } as unknown as UnitModel };
  const { pin, updates } = raw as { pin?: unknown; updates?: unknown };
  if (pin !== undefined) {
    const image = (model.container as { image?: unknown } | undefined)?.image;
    if (typeof pin !== 'string' || !(pin === 'digest' || PINNED_DIGEST.test(pin)))
      sink.add(
        [...path, 'pin'],
        'must be "digest" (pin the digest the image has now) or a digest sha256:<64 hex digits>',
      );
    else if (typeof image !== 'string' || !pinnable(image))
      sink.add(
        [...path, 'pin'],
        'pins the image of a registry: container.image must name one, with a tag and no digest (not localhost/, .image or .build)',
      );
    else out.pin = pin;
  }
  if (updates !== undefined) {
    if (updates !== 'notify' && updates !== 'apply') sink.add([...path, 'updates'], 'must be "notify" or "apply"');
    else out.updates = updates;
  }
  const maps = raw as { uidMap?: unknown; gidMap?: unknown };
  for (const which of ['uidMap', 'gidMap'] as const) {
    if (maps[which] === undefined) continue;
    const ids = readIdList(maps[which], [...path, which], sink);
    if (ids) out[which] = ids;
  }
  if (out.uidMap || out.gidMap) {
    const own = userNamespaceKeys(out.model);
    if (own.length > 0)
      sink.add(
        [...path, out.uidMap ? 'uidMap' : 'gidMap'],
        `quadletman writes this container's user namespace (UIDMap=/GIDMap=); remove ${own.join(', ')}`,
      );
  }
  return out;
}

/** The most helper users one container may ask for. */
const MAX_MAPPED_IDS = 64;

/** A list of container ids for helper users: integers 1..65535, each once. */
function readIdList(raw: unknown, path: PathPart[], sink: IssueSink): number[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_MAPPED_IDS) {
    sink.add(path, `must be a list of 1 to ${MAX_MAPPED_IDS} ids inside the container (1..65535)`);
    return undefined;
  }
  const seen = new Set<number>();
  raw.forEach((v, i) => {
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 65535)
      sink.add([...path, i], 'must be an id inside the container, 1..65535 (0 is the compartment user itself)');
    else if (seen.has(v as number)) sink.add([...path, i], `${v} is listed twice`);
    else seen.add(v as number);
  });
  return seen.size === raw.length ? [...seen].sort((a, b) => a - b) : undefined;
}

/** The keys of a container that set its user namespace themselves (typed fields or extras). */
const USERNS_KEYS = new Set([
  'UserNS',
  'UIDMap',
  'GIDMap',
  'SubUIDMap',
  'SubGIDMap',
  'RemapUsers',
  'RemapUid',
  'RemapGid',
  'RemapUidSize',
  'Pod',
]);
function userNamespaceKeys(model: UnitModel): string[] {
  const m = model as unknown as { container?: Record<string, unknown>; extra: Extra[] };
  const found = new Set<string>();
  for (const [field, v] of Object.entries(m.container ?? {})) {
    const key = (MAIN_FIELDS.container as Table)[field]?.[0];
    if (v !== undefined && key && USERNS_KEYS.has(key)) found.add(`${key}=`);
  }
  for (const [section, key] of m.extra) if (section === 'Container' && USERNS_KEYS.has(key)) found.add(`${key}=`);
  return [...found];
}

/** A digest a unit's image may be pinned to. */
export const PINNED_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Whether an image name can be pinned: a registry's image by tag (a digest is a pin already). */
function pinnable(image: string): boolean {
  if (image.endsWith('.image') || image.endsWith('.build') || image.startsWith('localhost/') || image.includes('@'))
    return false;
  const first = image.split('/')[0]!;
  return image.includes('/') && (first.includes('.') || first.includes(':'));
}

// ---------------------------------------------------------------------------------------------------------
// The whole spec

const sortedEntries = <T>(r: Record<string, T>): [string, T][] =>
  Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Validates a spec (already parsed from YAML/JSON). Collects every issue; `state` is set only when there are none. */
export function checkSpec(input: unknown): { state?: DesiredState; issues: SpecIssue[] } {
  const sink = new IssueSink();
  // `__proto__` as a name would be dropped (or worse) by object spreads and zod records: refuse it outright.
  findProtoKeys(input, [], sink, 0);
  if (sink.issues.length > 0) return { issues: sink.issues };
  const top = sink.parse(topSchema, input, []);
  if (!top) return { issues: sink.issues };
  const id = top.compartment;

  let network: NetworkSection | null = {};
  if (top.network === false || top.network === null) network = null;
  else if (top.network !== undefined) {
    const read = readSectionSpec(top.network, 'Network', MAIN_FIELDS.network as Table, ['network'], sink);
    if (read && read.extras.length > 0) {
      sink.add(['network'], `the default network takes the typed [Network] fields only (not ${read.extras[0]![1]})`);
    }
    network = (read?.values ?? {}) as NetworkSection;
  }

  const units: [string, UnitSpec][] = [];
  const rawUnits = sortedEntries(top.units ?? {});
  if (rawUnits.length > 500) sink.add(['units'], 'must have at most 500 units');
  for (const [name, raw] of rawUnits) {
    const u = readUnit(name, raw, sink);
    if (u) units.push([name, u]);
  }
  const taken = new Map<string, string>(units.map(([n]) => [n, formatPath(['units', n])]));
  const claim = (file: string, by: readonly PathPart[], what: string) => {
    const other = taken.get(file);
    if (other !== undefined) sink.add(by, `${what} would be ${file}, which ${other} already declares`);
    else taken.set(file, formatPath(by));
  };
  if (network) claim(defaultNetworkName(id), ['network'], 'the default network');
  for (const [name, u] of units) {
    if (u.format === 'timer') claim(`${name.slice(0, -'.timer'.length)}.container`, ['units', name, 'job'], 'the job');
  }
  for (const p of systemdUnitProblems(Object.fromEntries(units), id)) sink.add(p.path, p.message);

  const volumes: [string, VolumeSpec][] = [];
  for (const [name, raw] of sortedEntries(top.volumes ?? {})) {
    const path = ['volumes', name];
    if (!volumeNameSchema.safeParse(name).success) {
      sink.add(path, 'volume name must start with a letter or digit and use only letters, digits and _ . - (≤ 64)');
      continue;
    }
    const v = readVolume(raw, path, sink);
    if (!v) continue;
    if (v.kind === 'podman') claim(`${name}.volume`, path, 'the Podman volume unit');
    volumes.push([name, v]);
  }
  // helper users are named qm-<id>-<uid>, and Linux user names have at most 32 characters
  const mapped: [PathPart[], number[]][] = [
    ...units.flatMap(([name, u]): [PathPart[], number[]][] =>
      u.format === 'model'
        ? [
            [
              ['units', name, 'uidMap'],
              [...(u.uidMap ?? []), ...(u.gidMap ?? [])],
            ],
          ]
        : [],
    ),
    ...volumes.map(([name, v]): [PathPart[], number[]] => [
      ['volumes', name, 'owner'],
      v.kind === 'host' && v.owner ? [v.owner] : [],
    ]),
  ];
  for (const [where, ids] of mapped) {
    const tooLong = ids.find((n) => helperUser(id, n).length > 32);
    if (tooLong !== undefined)
      sink.add(
        where,
        `the helper user ${helperUser(id, tooLong)} would be longer than Linux's 32 characters; use a compartment id of at most ${32 - 4 - String(tooLong).length} characters`,
      );
  }

  const files: [string, FileSpec][] = [];
  const rawFiles = sortedEntries(top.files ?? {});
  if (rawFiles.length > 500) sink.add(['files'], 'must have at most 500 files');
  for (const [p, raw] of rawFiles) {
    const pp = relativePathProblem(p);
    if (pp) {
      sink.add(['files', p], `invalid file path: ${pp}`);
      continue;
    }
    const f = sink.parse(fileSchema, raw, ['files', p]);
    if (!f) continue;
    if (f.in === 'quadlet') claim(p, ['files', p], 'the file');
    files.push([p, f]);
  }

  const secrets = uniqueBy(
    (top.secrets ?? []).flatMap((s, i) => sink.parse(secretSchema, s, ['secrets', i]) ?? []),
    (s) => s.name,
    'secrets',
    sink,
  ).sort((a, b) => cmp(a.name, b.name));
  const registries = uniqueBy(
    (top.registries ?? []).flatMap((r, i) => sink.parse(registrySchema, r, ['registries', i]) ?? []),
    (r) => r.registry,
    'registries',
    sink,
  ).sort((a, b) => cmp(a.registry, b.registry));
  const probes = uniqueBy(
    (top.probes ?? []).flatMap((p, i) => (sink.parse(probeSchema, p, ['probes', i]) as ProbeSpec | undefined) ?? []),
    (p) => p.name,
    'probes',
    sink,
  ).sort((a, b) => cmp(a.name, b.name));

  const read = (top.routes ?? []).map((r, i) => sink.parse(routeSchema, r, ['routes', i]));
  const routes = read.filter((r): r is RouteSpec => r !== undefined);
  if (routes.length === read.length) {
    for (const p of routeProblems(routes, Object.fromEntries(units))) {
      sink.add(['routes', p.index, ...(typeof p.field === 'string' ? [p.field] : p.field)], p.message);
    }
  }
  routes.sort((a, b) => cmp(a.host, b.host) || cmp(a.path, b.path));

  const provides: ProvideSpec[] = [];
  for (const [service, v] of Object.entries(top.provides ?? {})) {
    if (sink.parse(serviceNameSchema, service, ['provides', service]) === undefined) continue;
    const p = sink.parse(provideSchema, v, ['provides', service]);
    if (p) provides.push({ service, ...p });
  }
  provides.sort((a, b) => cmp(a.service, b.service));
  const uses = (top.uses ?? []).flatMap((u, i) => sink.parse(useSchema, u, ['uses', i]) ?? []);
  if (uses.length === (top.uses ?? []).length && provides.length === Object.keys(top.provides ?? {}).length) {
    for (const p of linkProblems(provides, uses, Object.fromEntries(units), id)) sink.add(p.path, p.message);
  }
  uses.sort((a, b) => cmp(a.as, b.as));
  const backupHook = top.backup === undefined ? undefined : readBackup(top.backup, Object.fromEntries(units), sink);

  if (sink.issues.length > 0) return { issues: sink.issues };
  const podmanVersion = top.podmanVersion === undefined ? null : parseVersion(top.podmanVersion)!;
  return {
    issues: [],
    state: {
      id,
      description: top.description ?? '',
      podmanVersion,
      network,
      units: Object.fromEntries(units),
      volumes: Object.fromEntries(volumes),
      files: Object.fromEntries(files),
      secrets,
      registries,
      probes,
      routes,
      provides,
      uses,
      ...(backupHook ? { backupHook } : {}),
    },
  };
}

const backupSchema = z.strictObject({
  hook: z
    .strictObject({
      unit: z.string().regex(/\.container$/, 'must name a .container unit of this compartment'),
      exec: z
        .array(plainText(4096), { error: 'must be a list of words (no shell): [pg_dump, -f, /data/dump.sql]' })
        .min(1, 'must not be empty')
        .max(64, 'must have at most 64 words'),
    })
    .optional(),
});

function readBackup(raw: unknown, units: Record<string, UnitSpec>, sink: IssueSink): BackupHookSpec | undefined {
  const b = sink.parse(backupSchema, raw, ['backup']);
  if (!b?.hook) return undefined;
  const u = Object.hasOwn(units, b.hook.unit) ? units[b.hook.unit] : undefined;
  if (!u) {
    sink.add(['backup', 'hook', 'unit'], `the compartment has no unit ${b.hook.unit}`);
    return undefined;
  }
  return { unit: b.hook.unit, exec: b.hook.exec };
}

function findProtoKeys(v: unknown, path: PathPart[], sink: IssueSink, depth: number): void {
  if (v === null || typeof v !== 'object' || depth > 32) return;
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      findProtoKeys(x, [...path, i], sink, depth + 1);
    });
    return;
  }
  for (const k of Object.getOwnPropertyNames(v)) {
    if (k === '__proto__') sink.add([...path, k], 'the name "__proto__" is not allowed');
    else findProtoKeys((v as Record<string, unknown>)[k], [...path, k], sink, depth + 1);
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function uniqueBy<T>(items: T[], key: (t: T) => string, what: string, sink: IssueSink): T[] {
  const seen = new Set<string>();
  for (const t of items) {
    const k = key(t);
    if (seen.has(k)) sink.add([what], `${JSON.stringify(k)} is declared twice`);
    seen.add(k);
  }
  return items;
}

function readVolume(raw: unknown, path: PathPart[], sink: IssueSink): VolumeSpec | undefined {
  if (raw === null || raw === undefined) return { kind: 'host' };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    sink.add(path, 'must be an object: {} or { kind: host } for a managed directory, { kind: podman } for a volume');
    return undefined;
  }
  const { kind = 'host', options, owner, ...rest } = raw as Record<string, unknown>;
  for (const k of Object.keys(rest)) sink.add([...path, k], 'unknown property; expected kind, options and owner');
  if (kind === 'host') {
    if (options !== undefined) sink.add([...path, 'options'], 'a host volume has no options');
    if (owner === undefined || owner === 0) return { kind: 'host' };
    if (!Number.isInteger(owner) || (owner as number) < 0 || (owner as number) > 65535) {
      sink.add([...path, 'owner'], 'must be the id inside the container that owns the folder, 0..65535');
      return undefined;
    }
    return { kind: 'host', owner: owner as number };
  }
  if (owner !== undefined)
    sink.add([...path, 'owner'], "a Podman volume's owner is set by its options (user, group), not owner");
  if (kind !== 'podman') {
    sink.add([...path, 'kind'], 'must be "host" or "podman"');
    return undefined;
  }
  const read = readSectionSpec(options, 'Volume', MAIN_FIELDS.volume as Table, [...path, 'options'], sink);
  if (!read) return undefined;
  if (read.extras.length > 0) {
    sink.add(
      [...path, 'options'],
      `takes the typed [Volume] fields only; declare a ${'.volume'} unit for ${read.extras[0]![1]}`,
    );
  }
  return { kind: 'podman', options: read.values as VolumeSection };
}

/** The container ids of a compartment that have helper users: every container's uidMap and gidMap and every host
 * volume's owner, sorted, each once. */
export function helperIds(state: DesiredState): number[] {
  const ids = new Set<number>();
  for (const u of Object.values(state.units)) {
    if (u.format === 'model') for (const n of [...(u.uidMap ?? []), ...(u.gidMap ?? [])]) ids.add(n);
  }
  for (const v of Object.values(state.volumes)) if (v.kind === 'host' && v.owner) ids.add(v.owner);
  return [...ids].sort((a, b) => a - b);
}

/** Throws one InvalidError listing every issue (details.issues has them as data). */
export function validateSpec(input: unknown): DesiredState {
  const { state, issues } = checkSpec(input);
  if (state) return state;
  throw specError(issues);
}

export function specError(issues: readonly SpecIssue[]): InvalidError {
  const lines = issues.slice(0, 50).map((i) => `${i.path || '(spec)'}: ${i.message}`);
  const more = issues.length > 50 ? `\n… and ${issues.length - 50} more` : '';
  return new InvalidError(`invalid compartment spec:\n${lines.join('\n')}${more}`, { details: { issues } });
}

/** Parses spec text (YAML; JSON is YAML too) and validates it. */
export function parseSpecText(text: string, source = 'spec'): DesiredState {
  if (text.length > 16 * 1024 * 1024) throw new InvalidError(`${source}: larger than 16 MiB`);
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => ({
      path: e.linePos?.[0] ? `${source}:${e.linePos[0].line}:${e.linePos[0].col}` : source,
      message: e.message.split('\n')[0] ?? e.message,
    }));
    throw new InvalidError(`${source} is not valid YAML:\n${issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`, {
      details: { issues },
    });
  }
  return validateSpec(doc.toJS({ maxAliasCount: 100 }));
}

// ---------------------------------------------------------------------------------------------------------
// Back to the spec form (export, `show`): validateSpec(toSpec(s)) equals s.

function modelToSpec(model: Record<string, unknown>, sections: readonly SectionSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [prop] of sections) if (model[prop] !== undefined) out[prop] = { ...(model[prop] as object) };
  const rest: Extra[] = [];
  for (const e of model.extra as Extra[]) {
    const [section, key, value] = e;
    const prop = sections.find(([, s]) => s === section)?.[0];
    // (only into sections the model has: a new `install: {}` would change what the renderer adds)
    if (prop === undefined || out[prop] === undefined || !registryKnows(section, key)) {
      rest.push(e);
      continue;
    }
    // keys the registry knows are written inline, by their Quadlet spelling, as in a hand-written spec
    const target = out[prop] as Record<string, unknown>;
    const prev = target[key];
    target[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  if (rest.length > 0) out.extra = rest;
  return out;
}

export function toSpec(state: DesiredState): Record<string, unknown> {
  const units: Record<string, unknown> = {};
  for (const [name, u] of Object.entries(state.units)) {
    if (u.format === 'text') units[name] = { text: u.text };
    else if (u.format === 'systemd') {
      const { format: _f, kind, ...model } = u;
      units[name] = modelToSpec(model as Record<string, unknown>, SYSTEMD_SECTIONS[kind]);
    } else if (u.format === 'timer') {
      units[name] = {
        ...modelToSpec(u.timer as unknown as Record<string, unknown>, TIMER_SECTIONS),
        job: modelToSpec(u.job as unknown as Record<string, unknown>, sectionsOfType('container')),
      };
    } else {
      units[name] = {
        ...modelToSpec(u.model as unknown as Record<string, unknown>, sectionsOfType(u.model.type)),
        ...(u.pin ? { pin: u.pin } : {}),
        ...(u.updates ? { updates: u.updates } : {}),
        ...(u.uidMap ? { uidMap: u.uidMap } : {}),
        ...(u.gidMap ? { gidMap: u.gidMap } : {}),
      };
    }
  }
  const out: Record<string, unknown> = { version: 1, compartment: state.id };
  if (state.description) out.description = state.description;
  if (state.podmanVersion) out.podmanVersion = state.podmanVersion;
  out.network = state.network ?? false;
  out.units = units;
  out.volumes = Object.fromEntries(
    Object.entries(state.volumes).map(([n, v]) => [
      n,
      v.kind === 'host' ? { kind: 'host', ...(v.owner ? { owner: v.owner } : {}) } : v,
    ]),
  );
  out.files = Object.fromEntries(
    Object.entries(state.files).map(([p, f]) => [
      p,
      { content: f.content, mode: `0${f.mode.toString(8).padStart(3, '0')}`, in: f.in },
    ]),
  );
  out.secrets = state.secrets;
  out.registries = state.registries;
  out.probes = state.probes;
  out.routes = state.routes;
  if (state.provides.length > 0) {
    out.provides = Object.fromEntries(
      state.provides.map((p) => [p.service, p.port === undefined ? p.to : { to: p.to, port: p.port }]),
    );
  }
  if (state.uses.length > 0) out.uses = state.uses;
  if (state.backupHook) out.backup = { hook: state.backupHook };
  return out;
}

/** The spec as YAML (for `show`/`export`); `parseSpecText(specToYaml(s))` equals `s`. */
export function specToYaml(state: DesiredState): string {
  return toYamlText(toSpec(state));
}

/** Plain data as YAML that reads back exactly (specs, templates). */
export function toYamlText(value: unknown): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  // A block scalar cannot hold a line of only blanks (YAML reads it as an empty line, or as the indentation):
  // such strings are written double-quoted, so the text reads back exactly.
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && BLANK_LINE.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0 });
}

const BLANK_LINE = /(^|\n)[ \t]+(\n|$)/;

export type { SectionValues };
