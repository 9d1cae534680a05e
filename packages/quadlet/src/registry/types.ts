/**
 * Types of the key registry: every section and key Quadlet knows, with what its values look like.
 */

/** The Quadlet unit types, by file extension without the dot. */
export type UnitType = 'container' | 'pod' | 'network' | 'volume' | 'image' | 'build' | 'kube' | 'artifact';

export const UNIT_TYPES: readonly UnitType[] = [
  'container',
  'pod',
  'network',
  'volume',
  'image',
  'build',
  'kube',
  'artifact',
];

/** Main section of each unit type, spelled as Quadlet spells it. */
export const MAIN_SECTION: Record<UnitType, string> = {
  container: 'Container',
  pod: 'Pod',
  network: 'Network',
  volume: 'Volume',
  image: 'Image',
  build: 'Build',
  kube: 'Kube',
  artifact: 'Artifact',
};

/**
 * What a value looks like. The linter checks values by kind; the UI picks a form control by kind.
 * - string: free text; path: an absolute or relative path; bool: systemd booleans (yes/no/true/false/on/off/1/0)
 * - enum: one of `values`; int: a base-10 integer; duration: systemd time span; size: bytes with k/m/g suffixes
 * - port: a PublishPort/ExposeHostPort mapping; user / group: a name or numeric id
 * - unit-ref: a reference that may name another Quadlet unit (`x.network`, `x.volume`, `x.pod`, `x.image`, `x.build`, `x.kube`)
 * - kv: `KEY=VALUE` pairs (Environment, Label…); words: whitespace-separated, quotable words (Exec, PodmanArgs…)
 * - mount / volume / tmpfs: the respective podman option syntaxes
 * - signal: a signal name or number (`SIGTERM`, `TERM`, `15`)
 */
export type ValueKind =
  | 'string'
  | 'path'
  | 'bool'
  | 'enum'
  | 'int'
  | 'duration'
  | 'size'
  | 'port'
  | 'user'
  | 'group'
  | 'unit-ref'
  | 'kv'
  | 'words'
  | 'mount'
  | 'volume'
  | 'tmpfs'
  | 'ip'
  | 'subnet'
  | 'uidmap'
  | 'signal';

/** A Podman version as `major.minor`, e.g. `4.4`, `5.0`. */
export type PodmanVersion = `${number}.${number}`;

export interface KeyDef {
  /** Exactly as Quadlet spells it. */
  key: string;
  kind: ValueKind;
  /** May appear more than once (values accumulate; an empty assignment resets). */
  repeat: boolean;
  /** First Podman release whose Quadlet accepts the key in this section. */
  since: PodmanVersion;
  /** One line, in quadletman's own words. */
  summary: string;
  /** Allowed values for `enum` (and suggested values for others). */
  values?: readonly string[];
  /** Unit types that a `unit-ref` value may name. */
  refs?: readonly UnitType[];
  /** The podman CLI flag the key becomes, when there is one (`--publish`). */
  flag?: string;
  /** Shown first in forms: the keys most people use. */
  common?: boolean;
  /** Required for the file to be accepted (alone or as one of `oneOf`). */
  required?: boolean;
  /** Why the key is deprecated and what replaces it. */
  deprecated?: string;
  /**
   * With `required`: the keys of which at least one must be present (this key among them), e.g. a container
   * needs `Image=` or `Rootfs=`. Absent: the key itself is required.
   */
  oneOf?: readonly string[];
  /** First Podman release in which the key may be repeated, when it was single-valued before (`ImageTag`, `Yaml`). */
  repeatSince?: PodmanVersion;
  /** For `refs` that arrived after the key itself: the first release that accepts a reference to that unit type. */
  refsSince?: Partial<Record<UnitType, PodmanVersion>>;
  /** For `values` that arrived after the key itself: the first release that accepts that value. */
  valuesSince?: Readonly<Record<string, PodmanVersion>>;
}

export interface SectionDef {
  /** `Container`, `Pod`, …, or `Quadlet` for the shared `[Quadlet]` section. */
  name: string;
  /** The unit types in which the section is meaningful. */
  unitTypes: readonly UnitType[];
  since: PodmanVersion;
  keys: readonly KeyDef[];
}
