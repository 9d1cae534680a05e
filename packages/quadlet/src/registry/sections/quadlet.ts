/**
 * `[Quadlet]`: options about the generation itself, valid in every Quadlet unit type (Podman 5.3+).
 */
import { key } from '../define';
import type { SectionDef } from '../types';
import { UNIT_TYPES } from '../types';

export const QUADLET_SECTION: SectionDef = {
  name: 'Quadlet',
  unitTypes: UNIT_TYPES,
  since: '5.3',
  keys: [
    key('DefaultDependencies', 'bool', '5.3', 'Whether Quadlet adds its wait for network-online (default yes).', {
      common: true,
    }),
  ],
};
