/**
 * Typed models of whole Quadlet units: one interface per unit type with its main section, the shared
 * [Unit]/[Quadlet]/[Service]/[Install] sections, and `extra` for every key the typed fields do not cover
 * (in file order). `toUnitFile` writes a model through the single serializer, deterministically (sections in
 * a fixed order, typed keys in table order, maps sorted, extras after the typed keys of their section);
 * `fromUnitFile` reads one back: `fromUnitFile(t, toUnitFile(m))` equals `m` up to normalization (empty lists
 * dropped, extras grouped by section in output order).
 *
 * Values are unit-file values, not literal text: `%` specifiers are left for systemd to expand, so a caller
 * that means a literal `%` applies `escapeSpecifiers` first.
 */
import { MAIN_SECTION, type UnitType } from '../registry/types';
import { formatEntry, formatSectionHeader } from '../unit-file/encode';
import { parseUnitFile } from '../unit-file/parse';
import { getEntries, listSections } from '../unit-file/query';
import { serializeUnitFile } from '../unit-file/serialize';
import type { EntryNode, UnitFile } from '../unit-file/types';
import { readSection, writeSection } from './codec';
import type { Extra, FieldKind, SectionValues } from './fields';
import { ARTIFACT_FIELDS, type ArtifactSection } from './sections/artifact';
import { BUILD_FIELDS, type BuildSection } from './sections/build';
import {
  INSTALL_FIELDS,
  type InstallSection,
  QUADLET_FIELDS,
  type QuadletSection,
  SERVICE_FIELDS,
  type ServiceSection,
  UNIT_FIELDS,
  type UnitSection,
} from './sections/common';
import { CONTAINER_FIELDS, type ContainerSection } from './sections/container';
import { IMAGE_FIELDS, type ImageSection } from './sections/image';
import { KUBE_FIELDS, type KubeSection } from './sections/kube';
import { NETWORK_FIELDS, type NetworkSection } from './sections/network';
import { POD_FIELDS, type PodSection } from './sections/pod';
import { VOLUME_FIELDS, type VolumeSection } from './sections/volume';

/** What every unit model has besides its main section. */
export interface UnitModelBase {
  unit?: UnitSection;
  quadlet?: QuadletSection;
  service?: ServiceSection;
  install?: InstallSection;
  /** Every key not covered by typed fields, `[section, key, value]`, in file order. */
  extra: Extra[];
}

export interface ContainerUnit extends UnitModelBase {
  type: 'container';
  container: ContainerSection;
}
export interface PodUnit extends UnitModelBase {
  type: 'pod';
  pod: PodSection;
}
export interface NetworkUnit extends UnitModelBase {
  type: 'network';
  network: NetworkSection;
}
export interface VolumeUnit extends UnitModelBase {
  type: 'volume';
  volume: VolumeSection;
}
export interface ImageUnit extends UnitModelBase {
  type: 'image';
  image: ImageSection;
}
export interface BuildUnit extends UnitModelBase {
  type: 'build';
  build: BuildSection;
}
export interface KubeUnit extends UnitModelBase {
  type: 'kube';
  kube: KubeSection;
}
export interface ArtifactUnit extends UnitModelBase {
  type: 'artifact';
  artifact: ArtifactSection;
}

export interface UnitModelByType {
  container: ContainerUnit;
  pod: PodUnit;
  network: NetworkUnit;
  volume: VolumeUnit;
  image: ImageUnit;
  build: BuildUnit;
  kube: KubeUnit;
  artifact: ArtifactUnit;
}

export type UnitModel = UnitModelByType[UnitType];

type Table = Readonly<Record<string, readonly [string, FieldKind]>>;

/** The field table of each unit type's main section. */
export const MAIN_FIELDS: Readonly<Record<UnitType, Table>> = {
  container: CONTAINER_FIELDS,
  pod: POD_FIELDS,
  network: NETWORK_FIELDS,
  volume: VOLUME_FIELDS,
  image: IMAGE_FIELDS,
  build: BUILD_FIELDS,
  kube: KUBE_FIELDS,
  artifact: ARTIFACT_FIELDS,
};

/** Model property, section name and field table, in output order. */
function sectionsOf(type: UnitType): [prop: string, section: string, table: Table][] {
  return [
    ['unit', 'Unit', UNIT_FIELDS],
    [type, MAIN_SECTION[type], MAIN_FIELDS[type]],
    ['quadlet', 'Quadlet', QUADLET_FIELDS],
    ['service', 'Service', SERVICE_FIELDS],
    ['install', 'Install', INSTALL_FIELDS],
  ];
}

/** Reads a unit file (or a merged view with drop-ins) into the typed model of `type`. */
export function fromUnitFile<T extends UnitType>(type: T, file: UnitFile): UnitModelByType[T] {
  const present = new Set(listSections(file));
  const consumed = new Set<EntryNode>();
  const model: Record<string, unknown> = { type };
  for (const [prop, section, table] of sectionsOf(type)) {
    if (prop === type || present.has(section)) model[prop] = readSection(file, section, table, consumed);
  }
  model.extra = getEntries(file)
    .filter((e) => !consumed.has(e))
    .map((e): Extra => [e.section, e.key, e.value]);
  return model as unknown as UnitModelByType[T];
}

/** Writes a model as a unit file. Throws `UnitValueError` for a value the encoder cannot write. */
export function toUnitFile(model: UnitModel): UnitFile {
  return parseUnitFile(toUnitText(model));
}

/** The unit-file text of a model (deterministic). */
export function toUnitText(model: UnitModel): string {
  const m = model as unknown as Record<string, SectionValues | undefined>;
  const typed = sectionsOf(model.type);
  const names = [...typed.map(([, s]) => s), ...model.extra.map(([s]) => s)].filter((s, i, a) => a.indexOf(s) === i);
  const lines: string[] = [];
  for (const section of names) {
    const spec = typed.find(([, s]) => s === section);
    const values = spec ? m[spec[0]] : undefined;
    const extras = model.extra.filter(([s]) => s === section);
    if (values === undefined && extras.length === 0) continue;
    if (lines.length > 0) lines.push('');
    lines.push(formatSectionHeader(section));
    if (values !== undefined && spec) lines.push(...writeSection(values, spec[2]));
    for (const [, key, value] of extras) lines.push(formatEntry(key, value));
  }
  return serializeUnitFile(parseUnitFile(`${lines.join('\n')}\n`));
}
