// Pure: the per-compartment ~/.config/containers/storage.conf and containers.conf texts. Changes nothing on the machine
// (users.ts writes it).
//
// Native rootless overlay needs kernel >= 5.13 (unprivileged overlay mounts in a user namespace);
// older kernels need fuse-overlayfs as the overlay mount_program.

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
 * containers.conf of a compartment. events_logger=file: compartment users are system users (uid < 1000),
 * and journald keeps system users' entries in the system journal, which they cannot read — with the
 * default journald logger `podman events` run as the user would see nothing. Container logs still go to
 * the journal (log_driver stays journald), where root reads them (journal.ts).
 */
export function containersConf(): string {
  return ['# Written by quadletman.', '[engine]', 'events_logger = "file"', ''].join('\n');
}
