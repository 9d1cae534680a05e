/**
 * systemd's `[Path]` section (systemd.path(5), systemd 257), for `.path` files that start a unit when a file
 * or directory appears or changes. A path unit runs no process itself: unlike `[Service]` and `[Socket]` it has
 * no execution environment, kill or resource-control keys.
 */
import { list, sk } from './define';
import type { SystemdSectionDef } from './types';

/** The keys that name what a path unit watches; systemd refuses a path unit with none of them. */
export const WATCH_KEYS = ['PathExists', 'PathExistsGlob', 'PathChanged', 'PathModified', 'DirectoryNotEmpty'] as const;

export const PATH_SECTION: SystemdSectionDef = {
  name: 'Path',
  keys: [
    list('PathExists', 'path', 'Starts the unit when this path exists.'),
    list('PathExistsGlob', 'path', 'Starts the unit when a path matching this glob exists.'),
    list(
      'PathChanged',
      'path',
      'Starts the unit when this file is closed after being written, or is moved or removed.',
    ),
    list('PathModified', 'path', 'Like PathChanged=, and also on every write to the file.'),
    list('DirectoryNotEmpty', 'path', 'Starts the unit when this directory holds at least one entry.'),
    sk('Unit', 'string', 'Unit started by the path unit (default: the .service of the same name).'),
    sk('MakeDirectory', 'bool', 'Creates the watched directories before watching them.'),
    sk('DirectoryMode', 'string', 'Access mode (octal) of the directories MakeDirectory= creates (default 0755).'),
    sk('TriggerLimitIntervalSec', 'duration', 'Window of the activation rate limit (default 2s).'),
    sk('TriggerLimitBurst', 'int', 'Activations allowed per window before the path unit fails (default 200).'),
  ],
};
