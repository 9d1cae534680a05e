/**
 * Differential test of the key registry against the real Quadlet generators (scripts/oracle/fetch-quadlet.sh):
 * one per suite of ORACLE_SUITES (Debian trixie 5.4, sid 5.8, experimental 6.1; QUADLET_ORACLE_SUITES narrows).
 *
 * For every section, one file per registry key (plus a made-up control key) goes into one folder, and one
 * dry run tells which keys the generator rejects as unsupported. The registry must match exactly: keys
 * introduced at or before the oracle's version are accepted, later ones are rejected, and a section newer
 * than the oracle is not read at all.
 */
// biome-ignore-all lint/style/noRestrictedImports: this test runs the real generator, which needs processes and files.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ORACLE_SUITES, oracleFor } from '../../../../scripts/oracle/generator';
import {
  compareVersions,
  MAIN_SECTION,
  parseVersion,
  SECTIONS,
  type SectionDef,
  SYSTEMD_SECTIONS,
  type UnitType,
} from './index';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const CONTROL_KEY = 'QuadletmanNoSuchKey';

/** A minimal valid body per unit type, so that only the probed key can make the file fail. */
const BASE: Record<UnitType, string> = {
  container: 'Image=localhost/x',
  pod: '',
  network: '',
  volume: '',
  image: 'Image=localhost/x',
  build: 'ImageTag=localhost/x\nSetWorkingDirectory=unit',
  kube: 'Yaml=/dev/null',
  artifact: 'Artifact=localhost/x',
};

interface Probe {
  /** Keys reported as unsupported, per probed key. */
  rejected: Set<string>;
  /** Probed keys whose file produced a generated unit or any message at all. */
  seen: Set<string>;
}

const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Unit type the probe files of `section` are written as (`[Quadlet]` rides in `.container` files). */
function probeType(section: SectionDef): UnitType {
  return section.name === 'Quadlet' ? 'container' : section.unitTypes[0]!;
}

function fileText(section: SectionDef, type: UnitType, key: string): string {
  const main = `[${MAIN_SECTION[type]}]\n${BASE[type]}\n`;
  const probe = `${key}=x\n`;
  return section.name === MAIN_SECTION[type] ? main + probe : `${main}[${section.name}]\n${probe}`;
}

function probe(bin: string, section: SectionDef, keys: readonly string[]): Probe {
  const type = probeType(section);
  const dir = mkdtempSync(join(tmpdir(), `qm-registry-${section.name}-`));
  dirs.push(dir);
  for (const key of keys) writeFileSync(join(dir, `k-${key}.${type}`), fileText(section, type, key));
  const r = spawnSync(bin, ['-dryrun', '-user'], {
    env: { ...process.env, QUADLET_UNIT_DIRS: dir },
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const rejected = new Set<string>();
  const seen = new Set<string>();
  const unsupported = /converting "k-([A-Za-z0-9]+)\.[a-z]+": unsupported key '([^']+)' in group '([^']+)'/g;
  for (const m of (r.stderr ?? '').matchAll(unsupported)) {
    if (m[3] === section.name && m[2] === m[1]) rejected.add(m[1]!);
  }
  for (const m of (r.stderr ?? '').matchAll(/converting "k-([A-Za-z0-9]+)\./g)) seen.add(m[1]!);
  for (const m of (r.stdout ?? '').matchAll(/^---k-([A-Za-z0-9]+)[.-]/gm)) seen.add(m[1]!);
  return { rejected, seen };
}

describe.each(ORACLE_SUITES.map((suite) => oracleFor(suite)))(
  'registry against the real Quadlet generator (Debian $suite, Podman $version)',
  (oracle) => {
    const bin = oracle.path;
    const version = parseVersion(oracle.version)!;
    it('runs a generator whose version the registry knows', () => {
      expect(version).toMatch(/^\d+\.\d+$/);
      expect(compareVersions(version, '4.4')).toBeGreaterThanOrEqual(0);
    });

    it.each(SECTIONS.map((s) => [s.name, s] as const))('[%s] matches the generator exactly', (_, section) => {
      const keys = section.keys.map((k) => k.key);
      const result = probe(bin, section, [...keys, CONTROL_KEY]);

      if (compareVersions(section.since, version) > 0) {
        // The whole unit type is unknown to this generator: its files are not even read.
        expect(result.rejected.size, `${section.name} is newer than ${version}`).toBe(0);
        expect(result.seen.size, `${section.name} is newer than ${version}`).toBe(0);
        return;
      }

      // The control proves the generator checks keys in this section at all.
      expect(result.rejected.has(CONTROL_KEY), 'made-up key not rejected').toBe(true);

      const wronglyRejected = section.keys
        .filter((k) => compareVersions(k.since, version) <= 0 && result.rejected.has(k.key))
        .map((k) => `${k.key} (since ${k.since})`);
      const wronglyAccepted = section.keys
        .filter((k) => compareVersions(k.since, version) > 0 && !result.rejected.has(k.key))
        .map((k) => `${k.key} (since ${k.since})`);
      expect(wronglyRejected, `rejected by Quadlet ${version} though the registry says available`).toEqual([]);
      expect(wronglyAccepted, `accepted by Quadlet ${version} though the registry says newer`).toEqual([]);
    });
  },
);

/**
 * systemd's keys against systemd 257 itself: `systemd --dump-configuration-items` of the sandbox host's root file
 * system (scripts/sandbox/sandbox.sh builds it), run through that root's own dynamic loader so nothing is
 * installed or changed. Skipped when the sandbox root has not been built on this machine.
 */
const sandboxRoot = process.env.QUADLETMAN_SANDBOX_DIR
  ? join(process.env.QUADLETMAN_SANDBOX_DIR, 'rootfs')
  : join(root, '.cache/sandbox/rootfs');
const systemdBin = join(sandboxRoot, 'usr/lib/systemd/systemd');
const loader = join(sandboxRoot, 'usr/lib64/ld-linux-x86-64.so.2');

describe.skipIf(!existsSync(systemdBin) || !existsSync(loader))('systemd keys against systemd itself', () => {
  let dumped: Map<string, Set<string>> | undefined;
  function dump(): Map<string, Set<string>> {
    if (dumped) return dumped;
    const libs = ['usr/lib/x86_64-linux-gnu/systemd', 'usr/lib/x86_64-linux-gnu'].map((p) => join(sandboxRoot, p));
    const out = execFileSync(loader, ['--library-path', libs.join(':'), systemdBin, '--dump-configuration-items'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const sections = new Map<string, Set<string>>();
    let current: Set<string> | undefined;
    for (const line of out.split('\n')) {
      const header = /^\[([A-Za-z]+)\]$/.exec(line);
      if (header) {
        current = new Set();
        sections.set(header[1]!, current);
      } else if (current && /^[A-Za-z0-9]+=/.test(line)) {
        current.add(line.slice(0, line.indexOf('=')));
      }
    }
    dumped = sections;
    return sections;
  }

  it.each(SYSTEMD_SECTIONS.map((s) => [s.name, s] as const))(
    '[%s] lists exactly the keys systemd knows',
    (name, section) => {
      const known = dump().get(name);
      expect(known, `systemd has no [${name}] section`).toBeDefined();
      const ours = new Set(section.keys.map((k) => k.key));
      expect([...known!].filter((k) => !ours.has(k)).sort(), 'known to systemd, missing here').toEqual([]);
      expect([...ours].filter((k) => !known!.has(k)).sort(), 'listed here, unknown to systemd').toEqual([]);
    },
  );
});
