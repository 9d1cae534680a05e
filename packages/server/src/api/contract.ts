/**
 * The HTTP API contract: a zod schema for every request and response of the compartment, unit, apply,
 * resource and system routes. The server validates requests and serializes responses with these schemas
 * (fastify-type-provider-zod), and the OpenAPI document is generated from them; the web client's types are
 * generated from that document (`npm run api:types`: packages/web/src/api/openapi.gen.ts). Statuses are string
 * unions.
 *
 * Pure: zod and the branded identifier schemas only, nothing with side effects.
 */
import { z } from 'zod';
import { CompartmentIdSchema } from '../core/ids.js';
import { ChannelEventsSchema, ChannelNameSchema, NotifyChannelKindSchema } from '../core/notify/channel.js';

// ------------------------------------------------------------------------------------------------ shared

/** The one error shape: `{ "error": { "code", "message", "details"? } }` (http/errors.ts). */
export const ErrorCodeSchema = z.enum([
  'invalid',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'rate_limited',
  'internal',
  'command_failed',
]);
export const ApiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'A stable code (see ErrorCode); never a number.' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'ApiError' });
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const CompartmentParams = z.object({ id: CompartmentIdSchema });

/** A UTF-16 surrogate without its pair: no UTF-8 (argv, stdin, the store) can carry it; it would arrive as U+FFFD. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** systemd's ActiveState (`unknown` when systemd answered something else or nothing). */
export const UnitActiveStateSchema = z.enum([
  'active',
  'activating',
  'inactive',
  'failed',
  'deactivating',
  'reloading',
  'maintenance',
  'unknown',
]);
export type UnitActiveState = z.infer<typeof UnitActiveStateSchema>;
/**
 * A unit's state as one word: @quadletman/quadlet's UNIT_STATE_WORDS (`unitStateWord` of its ActiveState and
 * SubState), written out here so that the contract stays pure (contract.test.ts checks they agree).
 */
export const UnitStateWordSchema = z.enum([
  'running',
  'done',
  'waiting',
  'starting',
  'restarting',
  'stopping',
  'reloading',
  'failed',
  'stopped',
  'maintenance',
  'unknown',
]);
export const UNIT_ACTIVE_STATES = UnitActiveStateSchema.options;

export const UnitStatusSchema = z.object({
  unit: z.string(),
  activeState: UnitActiveStateSchema,
  subState: z.string(),
  result: z.string(),
});
export type UnitStatusDto = z.infer<typeof UnitStatusSchema>;

export const UnitInfoSchema = z
  .object({
    unit: z.string().meta({ description: 'The systemd unit (`web.service`, `backup.timer`).' }),
    source: z.string().meta({ description: 'The file it comes from (`web.container`).' }),
    status: UnitStatusSchema.optional(),
    failure: z.string().optional().meta({
      description:
        "A failed unit's reason: systemd's summary, then the lines of its journal that say why (Podman's and the program's), joined by ' | '.",
    }),
  })
  .meta({ id: 'UnitInfo' });
export type UnitInfoDto = z.infer<typeof UnitInfoSchema>;

// ------------------------------------------------------------------------------------------------ compartments

export const CompartmentSchema = z
  .object({
    id: z.string(),
    description: z.string(),
    podmanVersion: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Compartment' });
export type CompartmentDto = z.infer<typeof CompartmentSchema>;

export const CompartmentSummarySchema = CompartmentSchema.extend({
  units: z.number().int(),
  unitStates: z.partialRecord(UnitActiveStateSchema, z.number().int()).meta({
    description: 'Every unit (containers, pods, networks, volumes, images, builds, timers…) by ActiveState.',
  }),
  containerStates: z.partialRecord(UnitStateWordSchema, z.number().int()).meta({
    description:
      'The units of `.container` files by state word (running, failed, stopped…; see @quadletman/quadlet unit-state).',
  }),
  otherStates: z.partialRecord(UnitStateWordSchema, z.number().int()).meta({
    description:
      'Every other unit (pods, kube, networks, volumes, images, builds, plain systemd units) by state word: a ' +
      'oneshot unit that ran is `done` (active/exited), not running; a failure of any of them is `failed`.',
  }),
  /** When the unit states were read (they are cached for a second or two); null when none could be read. */
  statusAt: z.string().nullable(),
  /** Images whose last update check found other content at the registry under their tag. */
  updates: z.number().int(),
  /** The last scheduled backup, when it failed: when and why; null: it did not fail (or there was none). */
  backupFailed: z.object({ at: z.string(), error: z.string() }).nullable(),
}).meta({ id: 'CompartmentSummary' });
export type CompartmentSummary = z.infer<typeof CompartmentSummarySchema>;
export const CompartmentListSchema = z.object({ compartments: z.array(CompartmentSummarySchema) });

export const RevisionResultSchema = z.enum(['pending', 'applied', 'failed', 'rolled-back', 'refused']);
export type RevisionResultDto = z.infer<typeof RevisionResultSchema>;

export const RevisionSummarySchema = z
  .object({
    number: z.number().int(),
    actor: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    result: RevisionResultSchema,
    message: z.string(),
  })
  .meta({ id: 'RevisionSummary' });
export type RevisionSummaryDto = z.infer<typeof RevisionSummarySchema>;

export const CompartmentDetailSchema = CompartmentSchema.extend({
  units: z.array(UnitInfoSchema),
  history: z.array(RevisionSummarySchema),
  /** The Podman version its units are linted against (the pinned one, else the host's; null: the newest known). */
  lintPodmanVersion: z.string().nullable().optional(),
}).meta({ id: 'CompartmentDetail' });
export type CompartmentDetail = z.infer<typeof CompartmentDetailSchema>;

export const CreateCompartmentBody = z.object({
  id: CompartmentIdSchema,
  // as in a spec: free text that is shown (terminals, the web UI) and never rendered, so no control characters
  // (line breaks, ESC…) and no lone surrogate (the store keeps UTF-8: it would come back as U+FFFD)
  description: z
    .string()
    .max(1000)
    .regex(/^\P{Cc}*$/u, 'must not contain control characters (line breaks, tabs, NUL)')
    .refine((d) => !LONE_SURROGATE.test(d), 'must not contain a lone UTF-16 surrogate')
    .optional(),
  podmanVersion: z
    .string()
    .regex(/^\d+\.\d+$/, 'must be major.minor, e.g. 5.4')
    .nullable()
    .optional(),
});
export type CreateCompartmentRequest = z.input<typeof CreateCompartmentBody>;

const booleanQuery = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === '1');

export const DeleteCompartmentQuery = z.object({
  volumes: booleanQuery.optional().meta({ description: 'Also remove its managed host volumes (kept by default).' }),
});
export const DeletedSchema = z.object({ deleted: z.string(), volumes: z.boolean() });

// ------------------------------------------------------------------------------------------------ spec, plan, apply

/** A spec as an object (the JSON form) or as YAML/JSON text; exactly one of them. */
export const SpecInputSchema = z
  .object({
    spec: z.record(z.string(), z.unknown()).optional().meta({ description: 'The spec as a JSON object.' }),
    text: z
      .string()
      .max(16 * 1024 * 1024)
      .optional()
      .meta({ description: 'The spec as YAML or JSON text.' }),
  })
  .refine((b) => (b.spec === undefined) !== (b.text === undefined), {
    message: 'give exactly one of spec (an object) or text (YAML or JSON)',
    path: ['spec'],
  });
export type SpecInput = z.infer<typeof SpecInputSchema>;

export const SpecDocumentSchema = z
  .object({
    spec: z.record(z.string(), z.unknown()).meta({ description: 'The desired state in spec form (JSON).' }),
    yaml: z.string().meta({ description: 'The same spec as YAML.' }),
  })
  .meta({ id: 'SpecDocument' });

export const FileChangeSchema = z.object({
  path: z.string(),
  kind: z.enum(['added', 'changed', 'removed']),
  diff: z.string(),
  mode: z.object({ before: z.number().int().nullable(), after: z.number().int().nullable() }).optional(),
});
export const PlanSchema = z
  .object({
    changes: z.array(FileChangeSchema),
    unchanged: z.array(z.string()),
    units: z.object({ start: z.array(z.string()), restart: z.array(z.string()), stop: z.array(z.string()) }),
    reload: z.boolean(),
    noop: z.boolean(),
    routes: z
      .object({ add: z.array(z.string()), remove: z.array(z.string()) })
      .optional()
      .meta({ description: 'Routes through the edge the apply adds and removes: host/path → unit:port (loopback).' }),
    links: z
      .object({ add: z.array(z.string()), remove: z.array(z.string()) })
      .optional()
      .meta({
        description:
          'Connections between compartments the apply adds and removes: service → unit:port (loopback), AS ← compartment/service.',
      }),
  })
  .meta({ id: 'Plan' });
export type PlanDto = z.infer<typeof PlanSchema>;

export const DiagnosticSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  code: z.string(),
  message: z.string(),
  line: z.number().int(),
  key: z.string().optional(),
});
export const FileReportSchema = z.object({ path: z.string(), diagnostics: z.array(DiagnosticSchema) });
/** The Podman version the files were linted against (the compartment's pinned one, else the host's; null: the
 * newest quadletman knows). */
const LintVersionSchema = z.string().nullable().optional();

export const PlanResultSchema = z
  .object({ plan: PlanSchema, diagnostics: z.array(FileReportSchema), podmanVersion: LintVersionSchema })
  .meta({ id: 'PlanResult' });

export const ApplyOutcomeSchema = z.enum(['applied', 'noop', 'refused', 'rolled-back', 'failed']);
export type ApplyOutcomeDto = z.infer<typeof ApplyOutcomeSchema>;

export const ImageIdentitySchema = z.object({ id: z.string(), digest: z.string() });

export const ApplyResultSchema = z
  .object({
    outcome: ApplyOutcomeSchema,
    revision: z.number().int().nullable(),
    message: z.string(),
    plan: PlanSchema,
    diagnostics: z.array(FileReportSchema),
    podmanVersion: LintVersionSchema,
    dryRun: z.array(z.object({ file: z.string(), ok: z.boolean(), reason: z.string().optional() })),
    units: z.array(UnitStatusSchema),
    /** An upgrade's images: each unit's image name, and the image (id, digest) before and after. */
    images: z
      .array(
        z.object({
          unit: z.string(),
          image: z.string(),
          previousImage: z.string().optional(),
          before: ImageIdentitySchema.optional(),
          after: ImageIdentitySchema.optional(),
        }),
      )
      .optional(),
    /** A rolled-back upgrade: when its health gate failed, and when the previous units were healthy again. */
    failedAt: z.string().optional(),
    restoredAt: z.string().optional(),
    /** An upgrade's backup, made before it: the compartment has a repository and the units mount its volumes. */
    backup: z.object({ snapshot: z.string(), mode: z.string() }).optional(),
  })
  .meta({ id: 'ApplyResult' });
export type ApplyResultDto = z.infer<typeof ApplyResultSchema>;

export const ApplyStepSchema = z.enum([
  'plan',
  'validate',
  'pull',
  'write',
  'reload',
  'start',
  'verify',
  'rollback',
  'done',
]);
export const ProgressStatusSchema = z.enum(['running', 'ok', 'failed', 'skipped']);
/** One progress event of an apply (the `progress` events of the `text/event-stream` answer). */
export const ProgressEventSchema = z
  .object({ step: ApplyStepSchema, status: ProgressStatusSchema, message: z.string() })
  .meta({ id: 'ApplyProgress' });
export type ProgressEventDto = z.infer<typeof ProgressEventSchema>;

export const ApplyBodySchema = z
  .object({
    spec: z.record(z.string(), z.unknown()).optional(),
    text: z
      .string()
      .max(16 * 1024 * 1024)
      .optional(),
    wait: z.boolean().optional().meta({ description: 'Wait for a running apply (default) or answer 409 at once.' }),
  })
  .refine((b) => b.spec === undefined || b.text === undefined, {
    message: 'give at most one of spec (an object) or text (YAML or JSON)',
    path: ['spec'],
  })
  .meta({
    description:
      'The spec to apply (as an object or YAML/JSON text); neither: apply the stored desired state again. ' +
      'Its compartment must be the one in the path.',
  });
export type ApplyRequest = z.input<typeof ApplyBodySchema>;

export const RollbackBodySchema = z.object({
  revision: z.number().int().min(1),
  wait: z.boolean().optional(),
});

export const UpgradeBodySchema = z.object({
  /** Units by file, service or base name; none: every unit whose image comes from a registry. */
  units: z.array(z.string().min(1).max(256)).max(500).optional(),
  /** A tag or a digest (sha256:…) of the units' repository. */
  to: z.string().min(1).max(256).optional(),
  /** false: no backup before the upgrade (by default one is made when the compartment has a repository). */
  backup: z.boolean().optional(),
  wait: z.boolean().optional(),
});

export const UpgradableListSchema = z.object({
  units: z.array(
    z.object({
      unit: z.string(),
      image: z.string(),
      pin: z.string().optional(),
      updates: z.enum(['notify', 'apply']),
      raw: z.boolean(),
    }),
  ),
});

export const HistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
export const HistorySchema = z.object({
  revisions: z.array(RevisionSummarySchema),
  live: z
    .number()
    .int()
    .nullable()
    .meta({
      description:
        'The revision live now: the last one applied (a failed, refused or rolled-back apply after it left it running); ' +
        'null before the first.',
    }),
});

export const RevisionParams = z.object({ id: CompartmentIdSchema, number: z.coerce.number().int().min(1) });
export const RevisionDetailSchema = RevisionSummarySchema.extend({
  spec: z.record(z.string(), z.unknown()).nullable(),
  files: z.record(z.string(), z.object({ text: z.string(), mode: z.number().int() })),
  diff: z.string(),
}).meta({ id: 'RevisionDetail' });
export type RevisionDetailDto = z.infer<typeof RevisionDetailSchema>;

// ------------------------------------------------------------------------------------------------ units

export const UnitActionSchema = z.enum(['start', 'stop', 'restart']);
export type UnitAction = z.infer<typeof UnitActionSchema>;
export const UnitActionParams = z.object({ id: CompartmentIdSchema, action: UnitActionSchema });
export const UnitControlBody = z
  .object({
    units: z
      .array(z.string().min(1).max(255))
      .max(500)
      .optional()
      .meta({ description: 'Units or their files (web.service, web.container, web); none or empty: all.' }),
  })
  .nullish();
export const UnitListSchema = z.object({ units: z.array(UnitInfoSchema) });

export const UnitGraphNodeSchema = z
  .object({
    id: z
      .string()
      .meta({ description: 'The file name (`web.container`); an instance of a template: `web@blue.container`.' }),
    path: z.string().meta({ description: "Home-relative path of its file (an instance: its template's)." }),
    kind: z.enum([
      'container',
      'pod',
      'network',
      'volume',
      'image',
      'build',
      'kube',
      'artifact',
      'timer',
      'socket',
      'service',
      'target',
    ]),
    unit: z
      .string()
      .meta({ description: 'The systemd unit: the generated service (`web.service`), or the timer/target.' }),
    template: z.literal(true).optional().meta({ description: 'A template: started only through its instances.' }),
    instanceOf: z.string().optional(),
    notifyHealthy: z
      .literal(true)
      .optional()
      .meta({ description: 'A container with Notify=healthy: units after it wait until its health check passes.' }),
  })
  .meta({ id: 'UnitGraphNode' });
export const UnitGraphEdgeSchema = z
  .object({
    from: z.string().meta({ description: 'The unit that depends (a node id).' }),
    to: z
      .string()
      .meta({ description: 'What it depends on: a node id, or the name as written when missing or external.' }),
    kind: z.enum([
      'requires',
      'wants',
      'after',
      'before',
      'binds',
      'partOf',
      'network',
      'volume',
      'image',
      'build',
      'artifact',
      'pod',
      'triggers',
    ]),
    key: z.string().meta({ description: 'The key it comes from (`Requires`, `Network`, `Mount`, `WantedBy`…).' }),
    order: z
      .enum(['after', 'before'])
      .nullable()
      .meta({ description: '`after`: `from` starts after `to`; `before`: before it; null: no ordering.' }),
    healthGate: z
      .boolean()
      .meta({ description: 'The later unit waits until the earlier (Notify=healthy) is healthy.' }),
    missing: z.literal(true).optional().meta({ description: 'A Quadlet file the compartment does not have.' }),
    external: z.literal(true).optional().meta({ description: "A unit outside the compartment's files." }),
  })
  .meta({ id: 'UnitGraphEdge' });
export const UnitGraphSchema = z
  .object({
    nodes: z.array(UnitGraphNodeSchema),
    edges: z.array(UnitGraphEdgeSchema),
    order: z.array(z.string()).meta({ description: 'Node ids in start order (templates left out).' }),
    layers: z.array(z.array(z.string())).meta({ description: 'The start order by depth.' }),
    cycles: z.array(z.array(z.string())).meta({ description: 'Units that order each other in a circle.' }),
    missing: z
      .array(z.object({ from: z.string(), to: z.string(), key: z.string() }))
      .meta({ description: 'References to Quadlet files the compartment does not have.' }),
  })
  .meta({ id: 'UnitGraph' });
export type UnitGraphDto = z.infer<typeof UnitGraphSchema>;

// ------------------------------------------------------------------------------------------------ resources

/** A Podman object name (volumes, secrets), as Podman accepts it. */
export const PodmanNameSchema = z
  .string()
  .max(253)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'must start with a letter or digit and contain only a-z A-Z 0-9 _ . -');

export const VolumeSchema = z
  .object({
    name: z.string(),
    kind: z.enum(['host', 'podman']),
    /** Where the data is: the managed host directory or Podman's mount point. */
    path: z.string().nullable(),
    owner: z.string().nullable(),
    sizeBytes: z.number().int().nullable(),
    /** Named in the desired state (an undeclared one is left over from an earlier spec). */
    declared: z.boolean(),
    /** Exists on the host (a declared host volume is created by the first apply that mounts it). */
    exists: z.boolean(),
    /** Its name in the desired state (a Podman volume `cache` is listed as `systemd-cache`); null when undeclared. */
    declaredAs: z.string().nullable(),
    /** What a unit's `Volume=` line names as the source: the host path, `<name>.volume`, or the Podman volume. */
    mountSource: z.string(),
  })
  .meta({ id: 'Volume' });
export type VolumeDto = z.infer<typeof VolumeSchema>;
export const VolumeListSchema = z.object({ volumes: z.array(VolumeSchema) });
export const VolumeParams = z.object({ id: CompartmentIdSchema, name: PodmanNameSchema });
/** A volume name of the desired state, by the spec's rules (core/spec.ts; resources.test.ts checks they agree). */
export const VolumeNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must start with a letter or digit and use only letters, digits and _ . -');
/** A volume of the desired state, by the name the spec gives it. */
export const DeclaredVolumeParams = z.object({ id: CompartmentIdSchema, name: VolumeNameSchema });
/** One value of a `.volume` unit's [Volume] section: a single line of plain text. */
const VolumeValueSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters')
  .regex(/^[^\p{Cc}]+$/u, 'must be one line without control characters');
export const PutVolumeBody = z
  .object({
    kind: z.enum(['host', 'podman']).meta({
      description: 'host: a managed folder on the machine; podman: a Podman volume (a `<name>.volume` unit).',
    }),
    options: z
      .strictObject({
        driver: VolumeValueSchema.optional().meta({ description: 'Driver= (e.g. local, image).' }),
        device: VolumeValueSchema.optional().meta({ description: 'Device= (the local driver mounts it).' }),
        type: VolumeValueSchema.optional().meta({ description: 'Type= (the file system type of Device=).' }),
        options: VolumeValueSchema.optional().meta({ description: 'Options= (mount options of Device=).' }),
        user: VolumeValueSchema.optional().meta({ description: 'User= (owner of the volume, in the container).' }),
        group: VolumeValueSchema.optional().meta({ description: 'Group= (its group, in the container).' }),
        copy: z.boolean().optional().meta({ description: 'Copy= (copy the image content at the mount point).' }),
        label: z
          .record(z.string().min(1).max(255), VolumeValueSchema)
          .optional()
          .meta({ description: 'Label= (the volume labels).' }),
      })
      .optional()
      .meta({ description: 'The [Volume] keys of a Podman volume; a host volume has none.' }),
    owner: z.number().int().min(0).max(65535).optional().meta({
      description:
        "A host volume's owner: the id inside the container (its helper user qm-<id>-<uid> owns the folder, mode 0770); 0 or unset: the compartment user.",
    }),
    wait: z.boolean().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.kind === 'host' && b.options !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'a host volume has no options' });
    }
    if (b.kind === 'podman' && b.owner !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['owner'],
        message: "a Podman volume's owner is set by its options (user, group)",
      });
    }
  });
export const VolumeDeleteQuery = z.object({
  kind: z.enum(['host', 'podman']).optional().meta({ description: 'Which volume, when both kinds have the name.' }),
});

export const SecretSchema = z
  .object({
    name: z.string(),
    /** Named in the desired state. */
    declared: z.boolean(),
    /** Exists in the compartment's Podman. */
    exists: z.boolean(),
    description: z.string().optional(),
  })
  .meta({ id: 'Secret' });
export const SecretListSchema = z.object({ secrets: z.array(SecretSchema) });
export const CreateSecretBody = z.object({
  name: PodmanNameSchema,
  value: z
    .string()
    .min(1, 'must not be empty')
    .max(60 * 1024, 'must be at most 60 KiB')
    .meta({ description: 'The value; written to Podman on stdin, never logged, never returned.' }),
  replace: z.boolean().optional(),
});
export const SecretParams = z.object({ id: CompartmentIdSchema, name: PodmanNameSchema });
export const SecretCreatedSchema = z.object({ name: z.string(), replaced: z.boolean() });

export const RegistryHostSchema = z
  .string()
  .max(255)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9.:/_-]*$/, 'must be a registry host[:port][/path]');
export const RegistryLoginSchema = z
  .object({ registry: z.string(), username: z.string(), declared: z.boolean(), loggedIn: z.boolean().nullable() })
  .meta({ id: 'RegistryLogin' });
export const RegistryLoginListSchema = z.object({ registries: z.array(RegistryLoginSchema) });
export const RegistryLoginBody = z.object({
  registry: RegistryHostSchema,
  // `podman login --username NAME`: NAME stands before `--`, where a leading `-` is read as an option by any parser
  // that does not know --username takes a value (pflag does; the value must not depend on it)
  username: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^\s\p{Cc}]+$/u, 'must not contain whitespace or control characters')
    .regex(/^[^-]/, 'must not start with - (it would stand where podman reads options)')
    .refine((u) => !LONE_SURROGATE.test(u), 'must not contain a lone UTF-16 surrogate'),
  password: z
    .string()
    .min(1)
    .max(60 * 1024)
    .meta({ description: 'Given to `podman login` on stdin; never logged, never returned.' }),
});
export const RegistryParams = z.object({ id: CompartmentIdSchema, registry: RegistryHostSchema });

export const FileLocationSchema = z.enum(['files', 'quadlet']);
export const ConfigFileSummarySchema = z
  .object({ path: z.string(), in: FileLocationSchema, mode: z.number().int(), size: z.number().int() })
  .meta({ id: 'ConfigFileSummary' });
export const ConfigFileSchema = ConfigFileSummarySchema.extend({ content: z.string() }).meta({ id: 'ConfigFile' });
export const ConfigFileListSchema = z.object({ files: z.array(ConfigFileSummarySchema) });
export const ConfigFileParams = z.object({
  id: CompartmentIdSchema,
  '*': z.string().min(1).max(255).meta({ description: 'The file path, relative to its folder.' }),
});
export const PutConfigFileBody = z.object({
  content: z.string().max(1024 * 1024),
  mode: z.number().int().min(0).max(0o777).optional().meta({ description: 'Default: the current mode, else 0644.' }),
  in: FileLocationSchema.optional(),
  wait: z.boolean().optional(),
});

// ------------------------------------------------------------------------------------------------ images

export const ImageSchema = z
  .object({
    id: z.string(),
    /** The repository of its first name; null for a dangling image. */
    repository: z.string().nullable(),
    tags: z.array(z.string()),
    names: z.array(z.string()),
    digest: z.string().nullable(),
    size: z.number().int().meta({ description: 'Bytes, as `podman images` counts them (shared layers included).' }),
    created: z.string().nullable().meta({ description: 'ISO 8601; null when Podman does not know it.' }),
    usedBy: z.array(z.string()).meta({ description: 'The unit files of the desired state that use it.' }),
    unused: z.boolean(),
    containers: z.number().int().meta({ description: 'Containers (running or stopped) that use it.' }),
    dangling: z.boolean(),
  })
  .meta({ id: 'Image' });
export type ImageDto = z.infer<typeof ImageSchema>;
export const ImageListSchema = z
  .object({
    images: z.array(ImageSchema),
    missing: z
      .array(z.object({ unit: z.string(), image: z.string() }))
      .meta({ description: 'Images units need that the compartment does not have.' }),
  })
  .meta({ id: 'ImageList' });
export const PruneImagesBody = z
  .object({ dryRun: z.boolean().optional().meta({ description: 'Only say what would be removed.' }) })
  .nullish();
export const PruneImagesResultSchema = z
  .object({
    dryRun: z.boolean(),
    removed: z.array(ImageSchema).meta({ description: 'The images removed (with dryRun: those that would be).' }),
    failed: z.array(z.object({ image: ImageSchema, error: z.string() })),
    bytes: z.number().int().meta({ description: 'The size of the images removed.' }),
  })
  .meta({ id: 'PruneImagesResult' });
export type PruneImagesResultDto = z.infer<typeof PruneImagesResultSchema>;

// ------------------------------------------------------------------------------------------------ system

export const DoctorCheckSchema = z.object({
  id: z.string(),
  status: z.enum(['ok', 'warn', 'fail']),
  message: z.string(),
  fix: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export const DoctorReportSchema = z
  .object({
    ok: z.boolean(),
    summary: z.object({ ok: z.number().int(), warn: z.number().int(), fail: z.number().int() }),
    checks: z.array(DoctorCheckSchema),
  })
  .meta({ id: 'DoctorReport' });

// ------------------------------------------------------------------------------------------------ audit

/** GET /api/audit/verify: the audit log's hash chain checked (store/audit.ts), as `quadletman audit verify` does. */
export const AuditChainSchema = z
  .discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), entries: z.number().int().meta({ description: 'Entries checked.' }) }),
    z.object({
      ok: z.literal(false),
      entries: z.number().int().meta({ description: 'Entries that verify, before the broken one.' }),
      brokenId: z.number().int().meta({ description: 'The first entry edited, removed or reordered.' }),
      reason: z.string(),
    }),
  ])
  .meta({ id: 'AuditChain' });

// ------------------------------------------------------------------------------------------------ bundles

const PreparedFields = {
  compartment: z.string(),
  /** The compartment did not exist (applying creates it). */
  created: z.boolean(),
  spec: z.record(z.string(), z.unknown()).meta({ description: 'The desired state it would apply, in spec form.' }),
  units: z.array(z.string()),
  files: z.array(z.string()),
  lint: z.array(FileReportSchema),
  lintErrors: z.number().int(),
  warnings: z.array(z.string()),
  plan: PlanSchema.optional(),
  apply: ApplyResultSchema.optional(),
};

export const AdoptBodySchema = z.object({
  dir: z
    .string()
    .min(2)
    .max(4096)
    .regex(/^\//, 'must be an absolute path')
    .meta({ description: 'A folder of Quadlet files on the host, e.g. /home/alice/.config/containers/systemd.' }),
  apply: z.boolean().optional().meta({ description: 'Apply it (default: only validate, lint and plan).' }),
});
export const AdoptResultSchema = z
  .object({
    ...PreparedFields,
    source: z.object({ dir: z.string(), owner: z.object({ uid: z.number().int(), name: z.string().optional() }) }),
    sourceServices: z.array(z.string()),
    sourceAdvice: z.string(),
  })
  .meta({ id: 'AdoptResult' });

export const ImportBodySchema = z.object({
  text: z
    .string()
    .min(1)
    .max(16 * 1024 * 1024)
    .meta({ description: 'A .quadlets bundle (as `GET …/export` answers it).' }),
  source: z.string().max(255).optional().meta({ description: 'Where it came from, for messages (a file name).' }),
  apply: z.boolean().optional().meta({ description: 'Apply it (default: only validate, lint and plan).' }),
});
export const ImportResultSchema = z
  .object({ ...PreparedFields, diagnostics: z.array(DiagnosticSchema), from: z.string().nullable() })
  .meta({ id: 'ImportResult' });

export const ExportResultSchema = z
  .object({
    compartment: z.string(),
    text: z.string().meta({ description: 'The .quadlets bundle.' }),
    units: z.array(z.string()),
    extension: z.object({
      files: z.array(z.string()),
      timers: z.array(z.string()),
      volumes: z.array(z.string()),
      probes: z.array(z.string()),
    }),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'ExportResult' });

// ---------------------------------------------------------------------------------------------------------
// Explain: the podman command lines Podman's own Quadlet generator makes of a unit.

const QuadletFileName = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_:.\-@]*\.(container|pod|network|volume|image|build|kube|artifact)$/,
    'a Quadlet file name',
  );

export const ExplainBody = z.object({
  /** The unit to explain, by file name (`web.container`). */
  unit: QuadletFileName,
  /** The set it is generated with (references resolve inside it), by file name; must include `unit`. */
  files: z.record(QuadletFileName, z.string().max(1024 * 1024)),
});

export const ExplainSchema = z.object({
  unit: z.string(),
  /** Whether the generator accepted the unit, and its reason when it did not. */
  ok: z.boolean(),
  reason: z.string().nullable(),
  /** The generated service's name (`web.service`), when there is one. */
  service: z.string().nullable(),
  /** The service's command lines, in order: ExecStartPre, ExecStart, ExecReload, ExecStop, ExecStopPost. */
  commands: z.array(z.object({ key: z.string(), value: z.string() })),
});
export type Explain = z.infer<typeof ExplainSchema>;

// ------------------------------------------------------------------------------------------- convert

/** A file of a compose project, by its path inside the project folder (`compose.yaml`, `.env`, `conf/app.env`). */
const ProjectFileName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[^\0\n\r\\]+$/, 'must be a relative path inside the project folder');

export const ConvertComposeBody = z.object({
  /** Every file of the project the conversion may read: compose files, env files, files `extends` names. */
  files: z
    .array(z.object({ name: ProjectFileName, text: z.string().max(1024 * 1024) }))
    .min(1)
    .max(64),
  /** The compose files in merge order (default: the first file). */
  compose: z.array(ProjectFileName).min(1).max(16).optional(),
  /** The compartment's name (default: the project's `name:`). */
  project: z.string().max(64).optional(),
  /** Variables for interpolation, before the project's `.env`. The server's own environment is never used. */
  env: z.record(z.string().max(256), z.string().max(64 * 1024)).optional(),
  profiles: z.array(z.string().max(64)).max(32).optional(),
  /** The Podman version to target (default: the host's). */
  podmanVersion: z
    .string()
    .regex(/^\d+\.\d+$/, 'must be major.minor, e.g. 5.4')
    .optional(),
});
export type ConvertComposeBodyDto = z.infer<typeof ConvertComposeBody>;

/** POST /api/convert/run: `podman run` (or `docker run`, `podman create`) commands, as pasted. */
export const ConvertRunBody = z.object({
  /** The commands: one a line (`\`-newline continues one), or joined with `&&`. Read, never run. */
  command: z
    .string()
    .min(1)
    .max(256 * 1024),
  /** The compartment's name (default: the first container's). */
  compartment: z.string().max(64).optional(),
  /** The Podman version to target (default: the host's). */
  podmanVersion: z
    .string()
    .regex(/^\d+\.\d+$/, 'must be major.minor, e.g. 5.4')
    .optional(),
});
export type ConvertRunBodyDto = z.infer<typeof ConvertRunBody>;

export const ConvertReportEntrySchema = z.object({
  path: z.string(),
  disposition: z.enum(['mapped', 'podman-args', 'dropped', 'needs-input']),
  note: z.string(),
});

export const ConvertComposeSchema = z
  .object({
    /** The compartment id the spec is for. */
    compartment: z.string(),
    /** The spec as `quadletman apply -f` and `POST …/apply {text}` read it. */
    yaml: z.string(),
    report: z.array(ConvertReportEntrySchema),
    /** The Podman version the conversion targeted. */
    podmanVersion: z.string().nullable(),
  })
  .meta({ id: 'ConvertCompose' });
export type ConvertComposeDto = z.infer<typeof ConvertComposeSchema>;

/** The last update check of one image of a compartment (no pull: a manifest HEAD at its registry). */
export const ImageCheckSchema = z
  .object({
    image: z.string(),
    units: z.array(z.string()),
    checkedAt: z.string(),
    status: z.enum(['up-to-date', 'update-available', 'unknown']),
    remoteDigest: z.string().nullable(),
    localDigests: z.array(z.string()),
    reason: z.string().nullable(),
  })
  .meta({ id: 'ImageCheck' });
export type ImageCheckDto = z.infer<typeof ImageCheckSchema>;
export const ImageCheckListSchema = z.object({ checks: z.array(ImageCheckSchema) });

// ------------------------------------------------------------------------------------------------ notifications

export {
  ChannelEventsSchema as NotifyChannelEventsSchema,
  CreateChannelSchema as CreateNotifyChannelBody,
  NOTIFY_CHANNEL_KINDS,
  NotifyChannelKindSchema,
  NotifyEventKindSchema,
  UpdateChannelSchema as UpdateNotifyChannelBody,
} from '../core/notify/channel.js';
export { NOTIFY_EVENT_KINDS, type NotifyEventKind } from '../core/notify/event.js';

/** A notification channel as shown: its settings, never its secret (`secretSet` says whether one is set). */
export const NotifyChannelSchema = z
  .object({
    name: z.string(),
    kind: NotifyChannelKindSchema,
    scope: z.string().meta({ description: 'A compartment id, or `*` for every compartment' }),
    events: ChannelEventsSchema,
    enabled: z.boolean(),
    config: z.object({
      url: z.string().optional(),
      priority: z.number().int().optional(),
      tags: z.array(z.string()).optional(),
      to: z.array(z.string()).optional(),
      from: z.string().optional(),
    }),
    secretSet: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'NotifyChannel' });
export type NotifyChannelDto = z.infer<typeof NotifyChannelSchema>;
export const NotifyChannelListSchema = z.object({ channels: z.array(NotifyChannelSchema) });
export const NotifyChannelParams = z.object({ id: ChannelNameSchema });

export const NotifyDeliveryStatusSchema = z.enum(['pending', 'delivered', 'failed']);
export const NotifyDeliverySchema = z
  .object({
    id: z.string(),
    channel: z.string(),
    eventKind: z.string(),
    compartment: z.string().nullable(),
    title: z.string(),
    attempts: z.number().int(),
    status: NotifyDeliveryStatusSchema,
    lastError: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    nextAttemptAt: z.string().nullable(),
  })
  .meta({ id: 'NotifyDelivery' });
export type NotifyDeliveryDto = z.infer<typeof NotifyDeliverySchema>;
export const NotifyDeliveryListSchema = z.object({ deliveries: z.array(NotifyDeliverySchema) });
export const NotifyDeliveryQuery = z.object({
  channel: ChannelNameSchema.optional(),
  status: NotifyDeliveryStatusSchema.optional(),
  compartment: CompartmentIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The first attempt of a test notification. */
export const NotifyTestResultSchema = z
  .object({
    delivery: z.string(),
    status: NotifyDeliveryStatusSchema,
    attempts: z.number().int(),
    error: z.string().nullable(),
  })
  .meta({ id: 'NotifyTestResult' });
export type NotifyTestResultDto = z.infer<typeof NotifyTestResultSchema>;

// ------------------------------------------------------------------------------------------------ templates

export const TemplateParameterSchema = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    default: z.string().optional(),
    pattern: z.string().optional().meta({ description: 'A value must match it whole.' }),
    generate: z.enum(['password', 'token']).optional().meta({ description: 'Made at random when no value is given.' }),
    secret: z.string().optional().meta({ description: 'The value also becomes this Podman secret.' }),
  })
  .meta({ id: 'TemplateParameter' });

export const TemplateInfoSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    version: z.string().nullable(),
    parameters: z.array(TemplateParameterSchema),
    units: z.array(z.string()),
    createdBy: z.string(),
    source: z.string().nullable().meta({ description: 'The compartment it was saved from (null: imported).' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'TemplateInfo' });

export const TemplateDetailSchema = TemplateInfoSchema.extend({
  yaml: z.string().meta({ description: 'The template as YAML (`template import` reads it back).' }),
}).meta({ id: 'TemplateDetail' });

export const TemplateParams = z.object({ name: z.string().min(1).max(64) });

const ValuesSchema = z
  .record(z.string().max(64), z.string().max(4096))
  .refine((v) => Object.keys(v).length <= 100, 'at most 100 values')
  .meta({ description: 'A value per parameter; those left out take their default or are generated.' });

export const SaveTemplateBodySchema = z.object({
  name: z.string().min(1).max(64),
  description: z.string().max(1024).optional(),
  parameters: ValuesSchema.optional().meta({
    description:
      'Values of the compartment to make parameters: each occurrence becomes a parameter of that name, its default the value.',
  }),
  replace: z.boolean().optional(),
});

export const ImportTemplateBodySchema = z.object({
  text: z
    .string()
    .min(1)
    .max(16 * 1024 * 1024)
    .meta({ description: 'A template as YAML or JSON.' }),
  replace: z.boolean().optional(),
});

export const CreateFromTemplateBodySchema = z.object({
  compartment: z.string().min(1).max(64),
  values: ValuesSchema.optional(),
  apply: z.boolean().optional().meta({ description: 'Create and apply (default: only check, lint and plan).' }),
});

export const CreateFromTemplateResultSchema = z
  .object({
    compartment: z.string(),
    created: z.boolean(),
    spec: z.record(z.string(), z.unknown()),
    values: z.array(
      z.object({
        name: z.string(),
        value: z.string().meta({ description: "A secret's value only when this call made the secret (shown once)." }),
        source: z.enum(['given', 'default', 'generated']),
        secret: z.string().optional(),
      }),
    ),
    secrets: z.object({ made: z.array(z.string()), kept: z.array(z.string()) }),
    lint: z.array(FileReportSchema),
    lintErrors: z.number().int(),
    plan: PlanSchema.optional(),
    apply: ApplyResultSchema.optional(),
  })
  .meta({ id: 'CreateFromTemplateResult' });

export const InstalledAppSchema = z
  .object({
    origin: z.enum(['catalog', 'template']),
    name: z.string(),
    version: z.string().nullable(),
    values: z.record(z.string(), z.string()),
    installedAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'InstalledApp' });

// ------------------------------------------------------------------------------------------------ catalog

export const CatalogAppSchema = z
  .object({
    name: z.string(),
    title: z.string(),
    version: z.string(),
    category: z.string(),
    description: z.string(),
    parameters: z.array(TemplateParameterSchema),
    units: z.array(z.string()),
    /** Volumes and how a backup treats them (`files`: copied while running; `stop`: copied with the app stopped;
     * `skip`: not copied, e.g. a cache). */
    backup: z.record(z.string(), z.enum(['files', 'stop', 'skip'])),
    /** What the app needs of the host (kernel modules, capabilities), for the reader. */
    requires: z.array(z.string()),
    /** Compartments made from it, and the version each runs. */
    installed: z.array(z.object({ compartment: z.string(), version: z.string().nullable() })),
  })
  .meta({ id: 'CatalogApp' });

export const CatalogAppDetailSchema = CatalogAppSchema.extend({
  readme: z.string().meta({ description: "The app's README (Markdown)." }),
  yaml: z.string().meta({ description: 'The entry as a template (YAML).' }),
}).meta({ id: 'CatalogAppDetail' });

export const CatalogParams = z.object({ name: z.string().min(1).max(64) });

export const CatalogInstallBodySchema = CreateFromTemplateBodySchema.extend({
  upgrade: z.boolean().optional().meta({
    description: 'Apply this version to a compartment made from the same app (its values kept unless given).',
  }),
});

// ------------------------------------------------------------------------------------------------ backups

export const BackupSnapshotSchema = z
  .object({
    id: z.string(),
    shortId: z.string(),
    time: z.string(),
    paths: z.array(z.string()),
    tags: z.array(z.string()),
    size: z
      .number()
      .nullable()
      .optional()
      .meta({ description: "Bytes the snapshot holds (restic's summary; null: restic kept none)." }),
    added: z.number().nullable().optional().meta({ description: 'Bytes this snapshot added to the repository.' }),
    durationS: z.number().nullable().optional().meta({ description: 'How long the backup took, in seconds.' }),
  })
  .meta({ id: 'BackupSnapshot' });

const BackupSummarySchema = z.object({
  snapshotId: z.string(),
  filesNew: z.number(),
  filesChanged: z.number(),
  filesUnmodified: z.number(),
  dataAdded: z.number(),
  totalFiles: z.number(),
  totalBytes: z.number(),
  durationS: z.number(),
});

export const BackupListSchema = z
  .object({
    repository: z
      .object({ location: z.string() })
      .nullable()
      .meta({ description: 'null: none yet (the first backup makes it).' }),
    snapshots: z.array(BackupSnapshotSchema),
  })
  .meta({ id: 'BackupList' });

const LOCATION_FORMS =
  'A folder (/srv/backups/x), sftp:USER@HOST:PATH, sftp://USER@HOST:PORT/PATH, rest:https://HOST:PORT/PATH or s3:https://HOST/BUCKET/PATH.';

const repositoryFields = {
  location: z.string().meta({ description: LOCATION_FORMS }),
  kind: z.enum(['local', 'sftp', 'rest', 's3']),

  publicKey: z
    .string()
    .optional()
    .meta({ description: "SFTP: the compartment's public key, for the remote user's ~/.ssh/authorized_keys." }),
  hostKeys: z
    .array(z.string())
    .optional()
    .meta({ description: "SFTP: fingerprints of the remote host's keys, recorded when the location was set." }),
};

export const RepositoryViewSchema = z
  .object(repositoryFields)
  .nullable()
  .meta({ id: 'BackupRepository', description: 'null: no repository set or made yet.' });

export const SelfBackupStatusSchema = z
  .object({
    repository: z
      .object({
        ...repositoryFields,
        location: z.string(),
        createdAt: z.string(),
        user: z.string().optional().meta({ description: 'REST and S3: the user (access key id) it connects as.' }),
        publicKey: z
          .string()
          .optional()
          .meta({ description: "SFTP: root's public key, for the remote user's ~/.ssh/authorized_keys." }),
      })
      .nullable()
      .meta({ description: 'null: none set (`quadletman backup self repository LOCATION`, as root).' }),
    snapshots: z.array(BackupSnapshotSchema).meta({ description: 'Newest first.' }),
    snapshotsError: z.string().optional().meta({ description: 'Why the snapshots could not be listed.' }),
    lastRun: z
      .object({
        startedAt: z.string(),
        finishedAt: z.string(),
        ok: z.boolean(),
        scheduled: z.boolean(),
        snapshot: z.string().optional(),
        summary: BackupSummarySchema.optional(),
        error: z.string().optional(),
        removed: z.number().optional().meta({ description: 'Old snapshots the retention removed after it.' }),
      })
      .nullable(),
    schedule: z.object({
      installed: z.boolean().meta({ description: 'The daily timer is installed and enabled.' }),
      next: z.string().nullable(),
      running: z.boolean().meta({ description: 'A backup of quadletman runs now.' }),
    }),
  })
  .meta({
    id: 'SelfBackupStatus',
    description: "Backups of quadletman's own state (its database, configuration and the edge's CA), made by root.",
  });

export const RepositoryBodySchema = z.object({
  location: z.string().max(1024).meta({ description: LOCATION_FORMS }),
  credentials: z
    .object({ user: z.string().max(256), secret: z.string().max(256) })
    .optional()
    .meta({
      description:
        "REST: the server's user and password; S3: the access key id and secret access key (required). Kept only " +
        "in files of the compartment's own (mode 0600), never answered.",
    }),
  replace: z
    .boolean()
    .optional()
    .meta({ description: 'Replace the repository the compartment has (its snapshots stay where they are).' }),
});

export const RepositorySetSchema = z
  .object({
    ...repositoryFields,
    password: z.string().meta({ description: "The new repository's password, shown this once." }),
    previous: z
      .object({ location: z.string(), password: z.string() })
      .optional()
      .meta({ description: 'The repository replaced, and its password, this once: its snapshots stay readable.' }),
  })
  .meta({ id: 'BackupRepositorySet' });

export const BackupRunBodySchema = z.object({
  mode: z.enum(['stop', 'live', 'hook']).optional().meta({
    description:
      "stop (default): the units are stopped for the snapshot; live: nothing stops (crash-consistent); hook: the spec's backup hook runs in its container first (a database dump), then a live snapshot.",
  }),
});

const count = z.number().nullable();
export const BackupProgressSchema = z
  .object({
    progress: z
      .object({
        operation: z.enum(['backup', 'restore']),
        stage: z.enum(['hook', 'stopping', 'restic', 'starting', 'swapping', 'checking']).meta({
          description:
            'hook: the backup hook runs; stopping/starting: the units around the snapshot or the swap; restic: ' +
            'restic reads or writes the data (`status`); swapping: a restore puts the restored folders in place; ' +
            "checking: a restore runs the compartment's probes.",
        }),
        startedAt: z.string(),
        status: z
          .object({
            percent: count.meta({ description: '0 … 100' }),
            filesDone: count,
            totalFiles: count,
            bytesDone: count,
            totalBytes: count,
            secondsElapsed: count,
            secondsRemaining: count,
            currentFiles: z.array(z.string()),
          })
          .nullable()
          .meta({ description: "restic's last status (about once a second); null before the first." }),
      })
      .nullable()
      .meta({ description: 'null: no backup or restore of the compartment is under way.' }),
  })
  .meta({ id: 'BackupProgress' });

export const BackupResultSchema = z
  .object({
    compartment: z.string(),
    mode: z.enum(['stop', 'live', 'hook']),
    summary: BackupSummarySchema,
    paths: z.array(z.string()),
    stopped: z.array(z.string()),
    downtimeMs: z.number().nullable(),
    repository: z
      .object({ location: z.string(), password: z.string() })
      .optional()
      .meta({ description: 'Set when this backup made the repository: its password, shown this once.' }),
  })
  .meta({ id: 'BackupResult' });

const keepCount = z.number().meta({ description: 'A whole number 0 … 1000.' });

export const BackupPolicySchema = z
  .object({
    schedule: z.string().meta({
      description:
        'off, hourly, hourly :MM, daily HH:MM or weekly DAY HH:MM (DAY: mon … sun); every time in UTC. Canonical form.',
    }),
    mode: z.enum(['stop', 'live', 'hook']),
    keep: z
      .object({ last: z.number(), daily: z.number(), weekly: z.number(), monthly: z.number() })
      .nullable()
      .meta({ description: 'restic forget --keep-* after each scheduled backup; null: every snapshot is kept.' }),
  })
  .meta({ id: 'BackupPolicy' });

export const BackupRunSchema = z
  .object({
    at: z.string(),
    finishedAt: z.string(),
    result: z.enum(['ok', 'failed']),
    stage: z.enum(['backup', 'prune', 'check']).optional().meta({ description: 'On a failure: the step that failed.' }),
    error: z.string().optional(),
    snapshot: z.string().optional(),
    removed: z.number().optional().meta({ description: 'Snapshots the retention forgot.' }),
    kept: z.number().optional(),
    checked: z.boolean().optional().meta({ description: 'The run checked the repository (weekly).' }),
  })
  .meta({ id: 'BackupRun' });

export const BackupCheckSchema = z
  .object({
    at: z.string(),
    ok: z.boolean(),
    output: z.string().meta({ description: "restic check's last lines." }),
  })
  .meta({ id: 'BackupCheck' });

export const BackupPolicyViewSchema = z
  .object({
    compartment: z.string(),
    policy: BackupPolicySchema,
    nextRun: z.string().nullable().meta({ description: 'ISO-8601 UTC; null: the schedule is off.' }),
    lastRun: BackupRunSchema.nullable().meta({ description: 'The last scheduled run; null: none yet.' }),
    lastCheck: BackupCheckSchema.nullable().meta({
      description: 'The last restic check of the repository (a scheduled run checks it weekly); null: none yet.',
    }),
  })
  .meta({ id: 'BackupPolicyView' });

/** A change of the policy: the fields given replace the current ones; checked by the service (issues by field). */
export const BackupPolicyBodySchema = z.object({
  schedule: z.string().max(100).optional(),
  mode: z.string().max(20).optional().meta({ description: 'stop or live' }),
  keep: z
    .object({
      last: keepCount.optional(),
      daily: keepCount.optional(),
      weekly: keepCount.optional(),
      monthly: keepCount.optional(),
    })
    .nullable()
    .optional()
    .meta({ description: 'Fields not given are 0; at least one above 0. null: no retention.' }),
});

export const PruneResultSchema = z
  .object({ removed: z.array(BackupSnapshotSchema), kept: z.array(BackupSnapshotSchema) })
  .meta({ id: 'PruneResult' });

export const RestoreBodySchema = z.object({
  snapshot: z.string().regex(/^[0-9a-f]{8,64}$/, 'must be a snapshot id (8 to 64 hex digits)'),
  into: CompartmentIdSchema.optional().describe(
    "Another existing compartment to restore into (its volumes of the same names); the caller must be its admin too. Absent: the snapshot's own compartment.",
  ),
});

export const RestoreResultSchema = z
  .object({
    compartment: z.string(),
    into: z.string().optional().describe('The compartment restored into, when it is another one'),
    snapshot: z.string(),
    restored: z.array(z.string()),
    skipped: z
      .array(z.string())
      .optional()
      .describe('The volumes of the snapshot (by name) the compartment restored into does not declare: left alone'),
    restarted: z.array(z.string()),
    probes: z
      .number()
      .describe("How many of the compartment's probes answered after the restore (0: it declares none)"),
    durationMs: z.number(),
  })
  .meta({ id: 'RestoreResult' });

const snapshotId = z.string().regex(/^[0-9a-f]{8,64}$/, 'must be a snapshot id (8 to 64 hex digits)');
const snapshotPath = z.string().max(4096).meta({
  description: 'An absolute, normalized path in the snapshot (no `.` or `..` parts), inside the folders it holds.',
});

export const SnapshotFilesParams = z.object({ id: CompartmentIdSchema, snapshot: snapshotId });

export const SnapshotFilesQuery = z.object({
  path: snapshotPath.optional().meta({ description: '`/` (the default): the folders the snapshot holds.' }),
});

export const SnapshotEntrySchema = z
  .object({
    name: z.string(),
    type: z.enum(['file', 'dir', 'symlink', 'other']),
    path: z.string().meta({ description: 'Its absolute path in the snapshot.' }),
    size: z.number().nullable(),
    mode: z.string().nullable().meta({ description: 'Permission bits, four octal digits (0644).' }),
    uid: z.number().nullable(),
    gid: z.number().nullable(),
    mtime: z.string().nullable(),
  })
  .meta({ id: 'SnapshotEntry' });

export const SnapshotFolderSchema = z
  .object({
    snapshot: z.string(),
    path: z.string(),
    entries: z.array(SnapshotEntrySchema),
    truncated: z.boolean().meta({ description: 'The folder has more entries than listed (at most 2000).' }),
  })
  .meta({ id: 'SnapshotFolder' });

export const RestoreFileBodySchema = z.object({
  snapshot: snapshotId,
  path: snapshotPath,
});

export const RestoreFileResultSchema = z
  .object({
    snapshot: z.string(),
    path: z.string(),
    restored: z.string().meta({ description: 'Where it was put.' }),
    previous: z
      .string()
      .optional()
      .meta({ description: 'Where the version it replaced was kept (`<name>.before-restore-<time>`); absent: none.' }),
  })
  .meta({ id: 'RestoreFileResult' });

// ------------------------------------------------------------------------------------------------ edge

export const EdgeTlsSchema = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('internal') }),
    z.object({
      mode: z.literal('acme'),
      email: z.string().max(254).meta({ description: 'Given to the ACME CA (expiry notices).' }),
      staging: z.boolean().meta({ description: "The CA's staging directory (test certificates, generous limits)." }),
    }),
  ])
  .meta({ id: 'EdgeTls', description: "internal: Caddy's own CA (download its root); acme: public names." });

export const EdgeSelfSchema = z.object({
  host: z
    .string()
    .max(253)
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'must be a host name')
    .meta({ description: 'The UI host name (e.g. qm.example.org).' }),
  port: z.number().int().min(1).max(65535).meta({ description: 'The loopback port the UI listens on.' }),
});

export const EdgeSettingsSchema = z
  .object({
    adminSocket: z.string(),
    httpPort: z.number().int(),
    httpsPort: z.number().int(),
    tls: EdgeTlsSchema,
    self: EdgeSelfSchema.optional().meta({ description: "quadletman's own web UI through the edge (proxy self)." }),
  })
  .meta({ id: 'EdgeSettings' });

export const EdgeSettingsBodySchema = z.object({
  httpPort: z.number().int().min(1).max(65535).optional(),
  httpsPort: z.number().int().min(1).max(65535).optional(),
  tls: EdgeTlsSchema.optional(),
  self: EdgeSelfSchema.nullable().optional().meta({ description: "The UI's own route; null removes it." }),
});

export const EdgeRouteStatusSchema = z
  .object({
    compartment: z.string(),
    host: z.string(),
    path: z.string(),
    to: z.string().meta({ description: 'UNIT:PORT inside the compartment.' }),
    port: z.number().nullable().meta({ description: 'The loopback port the unit publishes the route on.' }),
    url: z.string(),
    answer: z.string().meta({ description: 'What one request through the edge gave (HTTP 200, or why none came).' }),
    ok: z.boolean(),
    certificate: z.object({ issuer: z.string(), validTo: z.string() }).nullable(),
    options: z
      .object({
        redirectFrom: z.array(z.string()),
        basicAuthUsers: z.array(z.string()).meta({ description: 'The user names (never their hashes).' }),
        requestHeaders: z.record(z.string(), z.string()),
        responseHeaders: z.record(z.string(), z.string()),
      })
      .nullable()
      .optional()
      .meta({ description: "The route's options as the spec gives them; absent when it has none." }),
  })
  .meta({ id: 'EdgeRouteStatus' });

export const EdgeStatusSchema = z
  .object({
    settings: EdgeSettingsSchema,
    reachable: z.boolean().meta({ description: "Whether Caddy's admin socket answered." }),
    inSync: z.boolean().meta({ description: 'Whether Caddy runs exactly the configuration the store gives.' }),
    error: z.string().nullable(),
    caddyfile: z.string().meta({ description: 'The configuration as a Caddyfile, to read.' }),
    hasRootCertificate: z.boolean(),
    routes: z.array(EdgeRouteStatusSchema),
    certificates: z.array(z.lazy(() => EdgeCertificateSchema)),
  })
  .meta({ id: 'EdgeStatus' });

export const EdgeCertificateSchema = z
  .object({
    fingerprint: z.string().meta({ description: "The leaf's SHA-256 fingerprint, its id." }),
    hosts: z.array(z.string()).meta({ description: 'The DNS names it covers.' }),
    subject: z.string(),
    issuer: z.string(),
    validFrom: z.string(),
    validTo: z.string(),
    uploadedAt: z.string(),
    serves: z.array(z.string()).optional().meta({ description: 'The route hosts it is served for.' }),
  })
  .meta({ id: 'EdgeCertificate' });

export const EdgeCertificateBodySchema = z.object({
  certificate: z
    .string()
    .max(64 * 1024)
    .meta({ description: 'PEM: the certificate, then its chain.' }),
  key: z
    .string()
    .max(16 * 1024)
    .meta({ description: 'PEM: its private key (unencrypted).' }),
});

// ── Connections between compartments (core/service/links.ts) ────────────────────────────────────────────────

export const ConnectionSchema = z
  .object({
    provider: z.string().meta({ description: 'The compartment that provides the service.' }),
    service: z.string(),
    to: z.string().meta({ description: 'UNIT:PORT inside the provider.' }),
    port: z.number().int().nullable().meta({ description: 'The loopback port it is published on.' }),
    consumers: z.array(z.object({ compartment: z.string(), as: z.string() })),
  })
  .meta({ id: 'Connection' });

export const ConnectionsSchema = z
  .object({
    enforced: z.boolean().meta({ description: 'Whether this quadletman loads the loopback guard (nftables).' }),
    address: z.string().meta({ description: "The address consumers' containers reach provided services at." }),
    connections: z.array(ConnectionSchema),
  })
  .meta({ id: 'Connections' });
