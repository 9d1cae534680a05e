/**
 * What the backup host tests share (they run in the sandbox host): a container command that writes, once, files
 * as UIDs 0, 33 and 999 (modes, a set-gid folder, a symbolic and a hard link, a larger random file) into /data
 * and /pv, the spec of a compartment with those two volumes (or with one, `data`), and the damage a disk going bad does to a
 * repository. Test support only.
 * Changes on the machine: damageRepository overwrites bytes of a repository's data packs, as root.
 */
import type { Exec } from '../../host/exec.js';

/** Writes once (a marker, /data/.written), so that restarts keep what is there; then sleeps. */
export const WRITE_AS_SEVERAL_UIDS = [
  '[ -e /data/.written ] || for d in /data /pv; do',
  '  mkdir -p $d/sub; echo root > $d/root.txt; echo www > $d/www.txt; echo db > $d/sub/db.txt;',
  '  chown 33:33 $d/www.txt; chmod 0640 $d/www.txt; chown -R 999:999 $d/sub; chmod 2750 $d/sub;',
  '  ln -sf root.txt $d/link; ln -f $d/root.txt $d/hard;',
  '  dd if=/dev/urandom of=$d/big bs=1k count=300 2>/dev/null; chown 999:33 $d/big;',
  '  touch $d/.written;',
  'done; exec sleep infinity',
].join(' ');

/**
 * A compartment's spec: the busybox container `<unit>.container` running `exec`, with the host-folder volume
 * `data` at /data and the Podman volume `pv` at /pv (`exec` defaults to WRITE_AS_SEVERAL_UIDS).
 */
export const dataAndPvSpec = (
  id: string,
  unit = 'writer',
  exec: readonly string[] = ['sh', '-c', WRITE_AS_SEVERAL_UIDS],
) => `
compartment: ${id}
units:
  ${unit}.container:
    container:
      image: localhost/busybox:latest
      exec: ${JSON.stringify(exec)}
      volume: ["data:/data", "pv.volume:/pv"]
      runInit: true
volumes: { data: {}, pv: { kind: podman } }
`;

/** A compartment's spec: the busybox container `app.container` running `sh -c <script>` with the host-folder
 * volume `data` at /data. */
export const dataSpec = (id: string, script: string) => `
compartment: ${id}
units:
  app.container:
    container:
      image: localhost/busybox:latest
      exec: [sh, -c, ${JSON.stringify(script)}]
      volume: ["data:/data"]
      runInit: true
volumes: { data: {} }
`;

/** Overwrites bytes of every data pack of the repository (as root): no snapshot of it restores any more. */
export async function damageRepository(exec: Exec, repo: string): Promise<void> {
  await exec.run(
    [
      'sh',
      '-c',
      'for f in $(find "$1/data" -type f); do printf garbage | dd of="$f" bs=1 seek=40 conv=notrunc 2>/dev/null; done',
      'sh',
      repo,
    ],
    { timeoutMs: 60_000 },
  );
}
