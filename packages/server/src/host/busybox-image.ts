// A minimal busybox image for offline hosts (tests, sandbox, air-gapped demos). Changes on the machine:
// creates a temporary folder and a rootfs tarball (removed by the caller or by `importBusyboxImage`),
// then imports it as an image into a compartment's storage.
//
// The rootfs is Debian's busybox-static plus one symlink per applet, /etc/passwd and /etc/group for
// root, and /www/index.html — enough for `busybox httpd -f -p 8080 -h /www`.

import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Exec } from './exec.js';
import type { Podman } from './podman.js';
import type { CompartmentSession } from './session.js';

export interface BusyboxRootfsOptions {
  busybox?: string;
  indexHtml?: string;
}

/** Write a rootfs tarball to `out`. */
export async function buildBusyboxRootfsTar(
  exec: Exec,
  out: string,
  options: BusyboxRootfsOptions = {},
): Promise<void> {
  const busybox = options.busybox ?? '/bin/busybox';
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-busybox-'));
  try {
    for (const d of ['bin', 'www', 'tmp', 'etc']) await fsp.mkdir(path.join(dir, d));
    await fsp.chmod(path.join(dir, 'tmp'), 0o1777);
    await fsp.copyFile(busybox, path.join(dir, 'bin/busybox'));
    await fsp.chmod(path.join(dir, 'bin/busybox'), 0o755);
    const applets = (await exec.run([busybox, '--list'])).stdout.split('\n').filter((a) => /^[\w.[-]+$/.test(a));
    for (const a of applets) {
      if (a !== 'busybox') await fsp.symlink('busybox', path.join(dir, 'bin', a)).catch(() => {});
    }
    await fsp.writeFile(path.join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    await fsp.writeFile(path.join(dir, 'etc/group'), 'root:x:0:\n');
    await fsp.writeFile(path.join(dir, 'www/index.html'), options.indexHtml ?? 'hello from busybox\n');
    await exec.run(['tar', '--numeric-owner', '--owner=0', '--group=0', '-C', dir, '-cf', out, '.'], {
      timeoutMs: 60_000,
    });
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Build the tarball and import it as `ref` (default localhost/busybox:latest) for the compartment. */
export async function importBusyboxImage(
  exec: Exec,
  podman: Podman,
  s: CompartmentSession,
  ref = 'localhost/busybox:latest',
  options: BusyboxRootfsOptions = {},
): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-busybox-tar-'));
  const tar = path.join(dir, 'rootfs.tar');
  try {
    await buildBusyboxRootfsTar(exec, tar, options);
    return await podman.importTarball(s, tar, ref, ['CMD=["/bin/sh"]']);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
