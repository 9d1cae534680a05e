// Pure: the per-compartment ~/.config/containers/storage.conf and containers.conf texts. Changes nothing on the machine
// (users.ts writes them; watch-legacy.ts upgrades the containers.conf of existing compartments), and the drop-in
// that maps the host's loopback into containers.
//
// Native rootless overlay needs kernel >= 5.13 (unprivileged overlay mounts in a user namespace);
// older kernels need fuse-overlayfs as the overlay mount_program.

import { LINK_ADDRESS } from '../core/spec-links.js';

export function kernelSupportsRootlessOverlay(release: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 5 || (major === 5 && minor >= 13);
}

export function storageConf(options: { kernelRelease: string; fuseOverlayfs?: string }): string {
  const lines = [
    '# Written by quadletman: rootless storage of this compartment.',
    '[storage]',
    'driver = "overlay"',
    '',
  ];
  if (!kernelSupportsRootlessOverlay(options.kernelRelease)) {
    lines.push(
      `# kernel ${options.kernelRelease} < 5.13: no native rootless overlay`,
      '[storage.options.overlay]',
      `mount_program = "${options.fuseOverlayfs ?? '/usr/bin/fuse-overlayfs'}"`,
      '',
    );
  }
  return lines.join('\n');
}

/**
 * containers.conf of a compartment. events_logger=journald: podman's events go to the journal, where the server
 * reads those of every compartment with one `journalctl -f` (watch-journal.ts). Compartment users are system
 * users (uid < 1000), whose entries journald keeps in the system journal: the users cannot read their own
 * events back (`podman events` as the user shows nothing), but the server, in the `systemd-journal` group, can.
 * Container logs go to the journal too (log_driver stays journald).
 *
 * Until this release the file said `events_logger = "file"` (read by one `podman events` per compartment);
 * `containersConfWithJournaldEvents` upgrades such a file.
 */
export function containersConf(): string {
  return ['# Written by quadletman.', '[engine]', 'events_logger = "journald"', ''].join('\n');
}

/** The drop-in that lets a compartment's containers reach the host's loopback at LINK_ADDRESS (pasta's
 * `--map-host-loopback`), where the services of other compartments it uses are published. Whether a connection
 * gets through is the loopback guard's decision (host/loopback-guard.ts), not this file's: a compartment can reach
 * the host's loopback with `Network=host` anyway. */
export const LOOPBACK_CONF = '.config/containers/containers.conf.d/50-quadletman-loopback.conf';

export function loopbackConf(): string {
  return [
    '# Written by quadletman: containers reach the services of other compartments this one uses at',
    `# ${LINK_ADDRESS}, the host's loopback (the loopback guard decides who may connect to what).`,
    '[network]',
    `pasta_options = ["--map-host-loopback", "${LINK_ADDRESS}"]`,
    '',
  ].join('\n');
}

const EVENTS_LOGGER_LINE = /^(\s*)events_logger\s*=\s*(.*?)\s*$/;

/**
 * A compartment's containers.conf with podman's events going to the journal: the text to write, or undefined
 * when `text` has that already. A missing file (undefined) gets `containersConf()`; an `events_logger` line
 * with another value gets the journald one (the rest of the file stays as it is); a file without one gets it
 * in its [engine] table (added when missing), so that no system-wide containers.conf decides.
 */
export function containersConfWithJournaldEvents(text: string | undefined): string | undefined {
  if (text === undefined) return containersConf();
  const lines = text.split('\n');
  let found = false;
  let changed = false;
  const out = lines.map((line) => {
    const m = EVENTS_LOGGER_LINE.exec(line);
    if (!m) return line;
    found = true;
    const value = m[2]!.replace(/\s*#.*$/, '');
    if (value === '"journald"' || value === "'journald'") return line;
    changed = true;
    return `${m[1]}events_logger = "journald"`;
  });
  if (found) return changed ? out.join('\n') : undefined;
  const engine = lines.findIndex((l) => /^\s*\[engine\]\s*(#.*)?$/.test(l));
  if (engine >= 0) {
    lines.splice(engine + 1, 0, 'events_logger = "journald"');
    return lines.join('\n');
  }
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${sep}[engine]\nevents_logger = "journald"\n`;
}
