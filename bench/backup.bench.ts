/**
 * The backup benchmark (run INSIDE the sandbox host as root by bench/backup.sh, `npm run bench:backup`).
 *
 * A compartment's managed volume holds BENCH_MIB (1024) MiB of mixed data, written as the compartment user in
 * its namespace: tens of thousands of small files (half compressible text, half random) and four large files (two
 * random, two compressible). Measured, each as the compartment user in its namespace, like the backups:
 *   - the first backup (restic, live mode) against `tar -c | zstd -1` of the same folder into a file beside the
 *     repository, synced (a backup has to be stored: restic writes and syncs its packs);
 *   - a second backup with nothing changed, against the first;
 *   - a restore (staging, swap) against `tar -x` of a tar of the same folder, each with its writes synced and
 *     started with nothing left to flush;
 *   - whether every file came back identical (owner, group, mode, size, link, checksum).
 * The small files are a random and a text stream cut in 12 and 20 KiB pieces (split), about 35,000 for 1 GiB.
 * Ends with the TARGET lines backup_vs_tar_zstd, backup_unchanged_vs_first, restore_vs_tar, restore_identical.
 */
import { createApp } from '../packages/server/src/app.js';
import { parseCompartmentId } from '../packages/server/src/core/ids.js';
import { parseSpecText } from '../packages/server/src/core/spec.js';
import { type Exec, hostExec } from '../packages/server/src/host/exec.js';
import { userPodman } from '../packages/server/src/host/session.js';

const MIB = Number(process.env.BENCH_MIB ?? 1024);
const DATA = '/var/lib/quadletman-bench-backup';
const ID = parseCompartmentId('qmt-bench-backup');

async function main(): Promise<void> {
  const { chmod, rm } = await import('node:fs/promises');
  // (what an interrupted run left)
  await rm(DATA, { recursive: true, force: true });
  // every command the backups run, and how long it took (BENCH_TRACE=1): where the time goes
  const traced = (argv: readonly string[], t0: number) => {
    const ms = performance.now() - t0;
    const cmd = argv.slice(Math.max(argv.indexOf('podman'), 0)).join(' ');
    if (process.env.BENCH_TRACE === '1' && ms > 100) console.log(`  ${(ms / 1000).toFixed(2)} s  ${cmd.slice(0, 110)}`);
  };
  const trace: Exec = {
    stream: (argv, o) => {
      const t0 = performance.now();
      const s = hostExec.stream(argv, o);
      void s.done.then(() => traced(argv, t0));
      return s;
    },
    run: async (argv, o) => {
      const t0 = performance.now();
      try {
        return await hostExec.run(argv, o);
      } finally {
        traced(argv, t0);
      }
    },
  };
  const app = createApp({
    dataDir: DATA,
    volumesRoot: `${DATA}/volumes`,
    locksDir: `${DATA}/locks`,
    host: { exec: trace },
  });
  await chmod(DATA, 0o711);
  await app.host.users.delete(ID).catch(() => undefined);
  try {
    await app.compartments.create({ id: ID });
    const applied = await app.compartments.applyState(parseSpecText(`compartment: ${ID}\nvolumes: { data: {} }\n`), {
      actor: 'bench',
    });
    if (applied.outcome !== 'applied') throw new Error(applied.message);
    const s = await app.host.users.sessionFor(ID);
    const vol = `${DATA}/volumes/${ID}/data`;
    const asUser = (script: string, ...args: string[]) =>
      app.host.exec.run(userPodman(s, ['unshare', 'sh', '-c', script, 'sh', ...args]), { timeoutMs: 3_600_000 });
    const timed = async (what: string, f: () => Promise<unknown>): Promise<number> => {
      const t0 = performance.now();
      await f();
      const ms = performance.now() - t0;
      console.log(`${what}: ${(ms / 1000).toFixed(2)} s`);
      return ms;
    };

    // the data: 4 large files of MIB/8 each, and MIB/2 of small files (1..31 KiB)
    const large = Math.max(1, Math.floor(MIB / 8));
    const smallBytes = Math.floor(MIB / 2) * 1024 * 1024;
    await asUser(
      [
        'set -e; d=$1; large=$2; small=$3; mkdir -p $d/small',
        'dd if=/dev/urandom of=$d/random1.bin bs=1M count=$large 2>/dev/null',
        'dd if=/dev/urandom of=$d/random2.bin bs=1M count=$large 2>/dev/null',
        'yes "a log line that repeats itself, as logs do" | head -c $((large * 1048576)) > $d/text1.log',
        'seq 1 100000000 | head -c $((large * 1048576)) > $d/text2.txt',
        // small files: per folder (64), a random stream and a text stream cut into 12 and 20 KiB pieces
        'part=$((small / 128)); for i in $(seq 0 63); do mkdir -p $d/small/$i',
        '  head -c $part /dev/urandom | split -b 12k -a 4 - $d/small/$i/r.',
        '  seq $((i * 10000000)) 999999999 | head -c $part | split -b 20k -a 4 - $d/small/$i/t.',
        'done; find $d/small -type f | wc -l > $d/count',
        'chown -R 33:33 $d/small/1 $d/small/2',
      ].join('\n'),
      vol,
      String(large),
      String(smallBytes),
    );
    const files = (await app.host.exec.run(['cat', `${vol}/count`])).stdout.trim();
    const du = (await app.host.exec.run(['du', '-sm', vol])).stdout.split('\t')[0];
    console.log(`data: ${du} MiB, ${files} small files and 4 large ones`);

    const fingerprint = async () =>
      (
        await app.host.exec.run(
          [
            'sh',
            '-c',
            'cd "$1" && { find . -type d -printf "%p %U %G %m dir\\n"; find . ! -type d -printf "%p %U %G %m %s %l %n %y\\n"; } | sort && find . -type f -exec sha256sum {} + | sort',
            'sh',
            vol,
          ],
          { timeoutMs: 3_600_000 },
        )
      ).stdout;
    const before = await fingerprint();

    // baselines (as the user, in its namespace: the same reads as restic's). A backup is only one once it is
    // stored: the archive is written beside the repository (the compartment's home) and flushed to the disk, as
    // restic writes and syncs its pack files.
    const archive = `${s.home}/bench.tar.zst`;
    const tarZstd = await timed('tar -c | zstd -1 > file', () =>
      asUser('tar -C "$1" -cf - . | zstd -1 -q -c > "$2" && sync "$2"', vol, archive),
    );
    await asUser('rm -f "$1"', archive);
    await app.backups.init(ID);
    // (restic's own figure: its summary's duration, without its start and the key's derivation)
    const said = (r: { summary: { durationS: number } }) =>
      console.log(`  restic says ${r.summary.durationS.toFixed(2)} s`);
    const first = await timed('first backup', async () => said(await app.backups.run(ID, { mode: 'live' })));
    const second = await timed('unchanged backup', async () => said(await app.backups.run(ID, { mode: 'live' })));
    const tarFile = `${s.home}/bench.tar`;
    await asUser('tar -C "$1" -cf "$2" .', vol, tarFile);
    // Each restore is timed with its writes flushed to the disk, and starts with nothing else left to flush
    // (writing the tar above leaves a gigabyte of dirty pages that would otherwise land on whichever comes next).
    const sync = () => app.host.exec.run(['sync'], { timeoutMs: 600_000 });
    await sync();
    const tarX = await timed('tar -x', () =>
      asUser('mkdir -p "$2" && tar -C "$2" -xf "$1" && sync', tarFile, `${s.home}/bench-x`),
    );
    await asUser('rm -rf "$1" "$2"', tarFile, `${s.home}/bench-x`);
    // wipe, then restore the newest snapshot
    await asUser('find "$1" -mindepth 1 -delete', vol);
    const snaps = await app.backups.snapshots(ID);
    await sync();
    const restore = await timed('restore', async () => {
      await app.backups.restore(ID, snaps.at(-1)!.shortId);
      await sync();
    });
    const after = await fingerprint();
    const identical = after === before ? 1 : 0;
    if (!identical) {
      const a = new Set(after.split('\n'));
      const missing = before.split('\n').filter((l) => !a.has(l));
      console.log(`not identical; first lines that differ:\n${missing.slice(0, 10).join('\n')}`);
    }

    console.log(`TARGET backup_vs_tar_zstd ${(first / tarZstd).toFixed(3)} ratio`);
    console.log(`TARGET backup_unchanged_vs_first ${(second / first).toFixed(3)} ratio`);
    console.log(`TARGET restore_vs_tar ${(restore / tarX).toFixed(3)} ratio`);
    console.log(`TARGET restore_identical ${identical} bool`);
  } finally {
    await app.compartments.delete(ID, { volumes: true }).catch(() => undefined);
    await app.host.users.delete(ID).catch(() => undefined);
    app.close();
    await (await import('node:fs/promises')).rm(DATA, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
