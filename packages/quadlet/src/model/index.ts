/**
 * Public API of the typed unit models: one interface per Quadlet unit type plus the shared sections, and the
 * two conversions between models and unit files.
 */
export { writeSection } from './codec';
export type { Extra, FieldKind, FieldTable, SectionValues } from './fields';
export type { ArtifactSection } from './sections/artifact';
export type { BuildSection } from './sections/build';
export type { InstallSection, QuadletSection, ServiceSection, UnitSection } from './sections/common';
export { INSTALL_FIELDS, QUADLET_FIELDS, SERVICE_FIELDS, UNIT_FIELDS } from './sections/common';
export type { ContainerSection } from './sections/container';
export type { ImageSection } from './sections/image';
export type { KubeSection } from './sections/kube';
export type { NetworkSection } from './sections/network';
export type { PodSection } from './sections/pod';
export type { VolumeSection } from './sections/volume';
export {
  type ArtifactUnit,
  type BuildUnit,
  type ContainerUnit,
  fromUnitFile,
  type ImageUnit,
  type KubeUnit,
  MAIN_FIELDS,
  type NetworkUnit,
  type PodUnit,
  toUnitFile,
  toUnitText,
  type UnitModel,
  type UnitModelBase,
  type UnitModelByType,
  type VolumeUnit,
} from './unit-model';
