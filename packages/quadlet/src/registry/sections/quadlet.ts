/**
 * `[Quadlet]`: options about the generation itself, valid in every Quadlet unit type (Podman 5.3+).
 */
import { common, key } from '../define';
import type { SectionDef } from '../types';
import { UNIT_TYPES } from '../types';

export const QUADLET_SECTION: SectionDef = {
  name: 'Quadlet',
  unitTypes: UNIT_TYPES,
  since: '5.3',
  keys: [
    common(
      key(
        'DefaultDependencies',
        'bool',
        '5.3',
        'Whether Quadlet adds its implicit wait for the network to be online (default yes).',
      ),
    ),
  ],
};
