/**
 * systemd's `[Install]` section (systemd.unit(5)). Quadlet applies Alias=, WantedBy=, RequiredBy= and UpheldBy=
 * itself at generation time, since generated units cannot be enabled with systemctl.
 */
import { list, sk } from './define';
import type { SystemdSectionDef } from './types';

export const INSTALL_SECTION: SystemdSectionDef = {
  name: 'Install',
  keys: [
    list('Alias', 'words', 'Extra names the unit is linked under when enabled.'),
    list('WantedBy', 'words', 'Units that get a Wants= on this one when it is enabled (e.g. default.target).'),
    list('RequiredBy', 'words', 'Units that get a Requires= on this one when it is enabled.'),
    list('UpheldBy', 'words', 'Units that get an Upholds= on this one when it is enabled.'),
    list('Also', 'words', 'Units enabled and disabled together with this one.'),
    sk('DefaultInstance', 'string', 'Instance enabled when a template unit is enabled without one.'),
  ],
};
