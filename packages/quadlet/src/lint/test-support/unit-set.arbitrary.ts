/**
 * Test helper (not part of the library's API): fast-check arbitraries of realistic unit sets — units of
 * every type with keys drawn from the registry, values both well- and ill-formed, references to units that
 * may or may not be in the set — for differential tests against the real generator.
 */
import fc from 'fast-check';
import { keysAt } from '../../registry';
import { type KeyDef, MAIN_SECTION, type PodmanVersion, type UnitType } from '../../registry/types';
import type { LintFile } from '../types';

const TYPES: UnitType[] = ['container', 'network', 'volume', 'pod', 'kube', 'image', 'build'];
const NAMES = ['a', 'b'];

/** Sample values for a key: mostly valid, some not, some naming units of the pool (present or not). */
function samples(def: KeyDef): string[] {
  switch (def.key) {
    case 'Image':
      return ['localhost/x:1', 'a.image', 'b.build', 'c.image', 'busybox', ''];
    case 'Network':
      return ['a.network', 'b.network', 'a.container', 'host', 'a.network:ip=10.89.0.5', 'a.container:x', 'zz.network'];
    case 'Volume':
      return ['a.volume:/data', 'b.volume:/d:Z', '/srv/data:/data', 'named:/d', '/tmp', 'zz.volume:/x'];
    case 'Pod':
      return ['a.pod', 'b.pod', 'mypod', 'zz.pod'];
    case 'Mount':
      return [
        'type=volume,source=a.volume,destination=/d',
        'type=image,source=a.image,destination=/i',
        'type=tmpfs,destination=/t',
        'type=bind,source=/srv,destination=/s',
        'source=/x,destination=/d',
        'type=volume,source=zz.volume,destination=/d',
      ];
    case 'Yaml':
      return ['/srv/app.yaml', ''];
    case 'File':
      return ['/srv/Containerfile', 'Containerfile', '%h/Containerfile', ''];
    case 'SetWorkingDirectory':
      return ['unit', 'file', 'yaml', '/srv/ctx', 'ctx', 'https://example.invalid/repo.git'];
    case 'Driver':
      return def.values?.length ? [...def.values, 'image', 'local'] : ['local', 'image'];
    case 'RemapUsers':
      return ['auto', 'keep-id', 'manual', 'bogus'];
    case 'ExposeHostPort':
      return ['8080', '8000-8010/udp', 'abc'];
    case 'User':
      return ['1000', 'nobody'];
    case 'Group':
      return ['1000', 'users'];
    default:
      break;
  }
  switch (def.kind) {
    case 'bool':
      return ['true', 'false', 'maybe'];
    case 'enum':
      return [...(def.values ?? []), 'bogus'];
    case 'int':
      return ['5', 'x'];
    case 'duration':
      return ['30s', '1m', 'soon'];
    case 'size':
      return ['512m', '1g'];
    case 'port':
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a systemd variable, for systemd to fill in
      return ['8080:80', '127.0.0.1:18080:80/tcp', '80', '${PORT}:${PORT}'];
    case 'ip':
      return ['10.89.0.7', 'fd00::7'];
    case 'subnet':
      return ['10.89.1.0/24', 'fd00:1::/64'];
    case 'kv':
      return ['A=1', 'B=2 C=3', 'NOEQ'];
    case 'uidmap':
      return ['0:1:1000', '1000:0:1'];
    case 'path':
      return ['/srv/x', 'rel/x'];
    case 'words':
      return ['/bin/true', '--x "a b"'];
    default:
      return ['x', 'value-1'];
  }
}

/** Keys most units of a type have, so that most generated units are complete. */
const BASE: Partial<Record<UnitType, string[]>> = {
  container: ['Image=localhost/x:1'],
  kube: ['Yaml=/srv/app.yaml'],
  image: ['Image=localhost/x:1'],
  build: ['ImageTag=localhost/b:1', 'File=/srv/Containerfile'],
};

function unitText(type: UnitType, version: PodmanVersion): fc.Arbitrary<string> {
  const main = MAIN_SECTION[type];
  const keys = keysAt(main, version);
  // Values are sometimes quoted (Podman's Lookup strips one pair of quotes) or split over continuation lines.
  const shape = fc.constantFrom<(v: string) => string>(
    (v) => v,
    (v) => v,
    (v) => v,
    (v) => `"${v}"`,
    (v) => (v.length > 2 ? `${v.slice(0, 2)}\\\n  ${v.slice(2)}` : v),
  );
  const entry = fc
    .constantFrom(...keys)
    .chain((def) => fc.tuple(fc.constantFrom(...samples(def)), shape).map(([v, f]) => `${def.key}=${f(v)}`));
  // (a line that is no key-value pair, like a YAML document marker, makes the generator drop the folder)
  const misspelled = fc.constantFrom('Imag=x', 'Labels=a=b', 'image=x', '---');
  const service = fc.constantFrom(
    '',
    '',
    '',
    '',
    '[Service]\nRestart=always\n',
    '[Service]\nType=oneshot\n',
    '[Service]\nType=simple\n',
    '[Service]\nKillMode=process\n',
    '[Service]\nWorkingDirectory=/srv\n',
    '[Service]\nGroup=users\nCPUQuota=50%\n',
    '[Unit]\nRequires=a.container\n',
    '[Unit]\nWants=b.volume network-online.target\nAfter=zz.network\n',
  );
  const install = fc.constantFrom('', '[Install]\nWantedBy=default.target\n');
  return fc
    .tuple(
      fc.boolean(),
      fc.array(entry, { maxLength: 4 }),
      fc.oneof({ weight: 15, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: misspelled }),
      service,
      install,
    )
    .map(([withBase, entries, typo, svc, inst]) => {
      const lines = [`[${main}]`, ...(withBase ? (BASE[type] ?? []) : []), ...entries];
      if (typo) lines.push(typo);
      return `${lines.join('\n')}\n${svc}${inst}`;
    });
}

/** A drop-in for a unit: its own `name.type.d/` or the type-wide `type.d/`, with a few entries of the type. */
function dropIn(type: UnitType, path: string, version: PodmanVersion): fc.Arbitrary<LintFile> {
  return fc
    .tuple(
      fc.constantFrom(`${path}.d`, `${type}.d`),
      fc.constantFrom('10-a.conf', '20-b.conf'),
      unitText(type, version),
    )
    .map(([dir, name, text]) => ({ path: `${dir}/${name}`, text: text.replace(/\[Install\][^[]*/, '') }));
}

/** A set of 1–6 units named from a small pool, so references sometimes resolve and sometimes do not, some
 * with drop-ins. */
export function arbitraryUnitSet(version: PodmanVersion): fc.Arbitrary<LintFile[]> {
  const pool = TYPES.flatMap((t) => NAMES.map((n) => ({ type: t, path: `${n}.${t}` })));
  return fc
    .uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 6, selector: (u) => u.path })
    .chain((units) =>
      fc.tuple(
        ...units.map((u) =>
          fc.tuple(
            unitText(u.type, version).map((text): LintFile => ({ path: u.path, text })),
            fc.oneof(
              { weight: 4, arbitrary: fc.constant(undefined) },
              { weight: 1, arbitrary: dropIn(u.type, u.path, version) },
            ),
          ),
        ),
      ),
    )
    .map((pairs) => {
      const files = new Map<string, LintFile>();
      for (const [unit, conf] of pairs) {
        files.set(unit.path, unit);
        if (conf) files.set(conf.path, conf);
      }
      return [...files.values()];
    });
}
