/**
 * Answers that depend on the Podman version (or on what systemd does with a value), each checked on both
 * sides of the release that changed it. Facts from Podman's pkg/systemd/quadlet and cmd/quadlet at each tag.
 */
import { describe, expect, it } from 'vitest';
import type { PodmanVersion } from '../registry/types';
import { lintSet } from './index';
import type { LintFile, LintOptions } from './types';

/** The codes each file gets. */
function codes(files: LintFile[], options: LintOptions = {}): Record<string, string[]> {
  return Object.fromEntries(lintSet(files, options).map((r) => [r.path, r.diagnostics.map((d) => d.code)]));
}

const container = (body: string, name = 'a.container'): LintFile => ({
  path: name,
  text: `[Container]\nImage=localhost/x\n${body}\n[Install]\nWantedBy=default.target\n`,
});

const at = (v: PodmanVersion, files: LintFile[], options: LintOptions = {}) =>
  codes(files, { ...options, podmanVersion: v });

describe('systemd specifiers', () => {
  it('keeps a trailing % and a % before a character that is no letter or digit literally', () => {
    const text = '[Container]\nImage=localhost/x\n[Service]\nCPUQuota=50%\nTasksMax=50%\nEnvironment=A=100%-x B=%_\n';
    expect(codes([{ path: 'a.container', text }])['a.container']).not.toContain('unknown-specifier');
  });

  it('refuses % before a letter or digit that is no specifier', () => {
    for (const v of ['%z', '%1', 'x%Kx']) {
      expect(codes([container(`Environment=A=${v}`)])['a.container'], v).toContain('unknown-specifier');
    }
    expect(codes([container('Environment=A=%h%%z')])['a.container']).not.toContain('unknown-specifier');
  });
});

describe('booleans and enums', () => {
  it('reads the boolean words of Notify= without regard to case, as Podman does', () => {
    for (const v of ['True', 'YES', 'On', 'Healthy', 'false']) {
      expect(codes([container(`Notify=${v}\nHealthCmd=true`)])['a.container'], v).not.toContain('bad-value');
    }
    expect(codes([container('Notify=maybe')])['a.container']).toContain('bad-value');
  });

  it('calls a bad AutoUpdate= a warning: the container starts, only podman auto-update fails', () => {
    const r = lintSet([container('AutoUpdate=registy')])[0]!;
    const d = r.diagnostics.find((x) => x.key === 'AutoUpdate');
    expect(d).toMatchObject({ code: 'suspicious-value', severity: 'warning' });
  });

  it('takes every policy podman auto-update takes, spelled exactly as it compares them', () => {
    const suspicious = (v: string) =>
      lintSet([container(`AutoUpdate=${v}`)])[0]!.diagnostics.some((d) => d.code === 'suspicious-value');
    for (const v of ['registry', 'local', 'disabled', 'image']) expect(suspicious(v), v).toBe(false);
    for (const v of ['Registry', 'LOCAL', 'none']) expect(suspicious(v), v).toBe(true);
  });
});

describe('PublishPort=', () => {
  it('leaves a systemd variable to systemd from 5.3 on; the generator rejected it before', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${PORT} is the point
    const f = [container('PublishPort=${PORT}:${PORT}')];
    expect(at('5.4', f)['a.container']).toEqual([]);
    expect(at('5.3', f)['a.container']).toEqual([]);
    expect(at('5.2', f)['a.container']).toContain('invalid-value');
  });

  it('before 5.3, rejects in the generator what its own port check refused', () => {
    expect(at('5.2', [container('PublishPort=1:2:3:4')])['a.container']).toContain('invalid-value');
    expect(at('5.2', [container('PublishPort=8080:http')])['a.container']).toContain('invalid-value');
    expect(at('5.2', [container('PublishPort=[::1]:8080:80/tcp')])['a.container']).toEqual([]);
    expect(at('5.4', [container('PublishPort=8080:http')])['a.container']).toEqual(['bad-value']);
  });
});

describe('what the generator accepts, by version', () => {
  const build = (file: string): LintFile => ({
    path: 'b.build',
    text: `[Build]\nImageTag=localhost/b\nFile=${file}\n`,
  });
  it('takes a build File= that starts with a specifier as absolute from 5.7 on', () => {
    expect(at('5.7', [build('%h/src/Containerfile')])['b.build']).toEqual([]);
    expect(at('5.6', [build('%h/src/Containerfile')])['b.build']).toContain('missing-required-key');
    expect(at('5.8', [build('%%h/Containerfile')])['b.build']).toContain('missing-required-key');
  });

  it('says why a build File= that starts with a specifier is refused before 5.7', () => {
    const [r] = lintSet([build('%h/src/Containerfile')], { podmanVersion: '5.6' });
    expect(r!.diagnostics).toEqual([
      expect.objectContaining({ code: 'missing-required-key', message: expect.stringContaining('from 5.7 on') }),
    ]);
  });

  it('takes Options= without Device= in a .volume from 6.0 on; Type= still needs Device=', () => {
    const vol = (body: string): LintFile[] => [{ path: 'v.volume', text: `[Volume]\n${body}\n` }];
    expect(at('6.0', vol('Options=nodev'))['v.volume']).toEqual([]);
    expect(at('5.8', vol('Options=nodev'))['v.volume']).toContain('conflicting-keys');
    expect(at('6.0', vol('Type=tmpfs'))['v.volume']).toContain('conflicting-keys');
  });

  it('refuses SetWorkingDirectory=yaml with several Yaml= files from 5.7 on', () => {
    const kube = (yaml: string): LintFile[] => [
      { path: 'k.kube', text: `[Kube]\n${yaml}\nSetWorkingDirectory=yaml\n` },
      { path: 'a.yaml', text: '' },
      { path: 'b.yaml', text: '' },
    ];
    const others = { otherFiles: ['a.yaml', 'b.yaml'] };
    expect(at('5.7', kube('Yaml=a.yaml\nYaml=b.yaml'), others)['k.kube']).toContain('invalid-value');
    expect(at('5.7', kube('Yaml=a.yaml b.yaml'), others)['k.kube']).toContain('invalid-value');
    expect(at('5.7', kube('Yaml=a.yaml'), others)['k.kube']).not.toContain('invalid-value');
  });

  it('reads the last Yaml= up to 5.6, every word of every Yaml= from 5.7 on', () => {
    const kube = (yaml: string): LintFile[] => [{ path: 'k.kube', text: `[Kube]\n${yaml}\n` }];
    const others = { otherFiles: ['a.yaml'] };
    // A quoted empty word adds no file but does not clear the list either; an empty line clears it.
    expect(at('5.6', kube('Yaml=a.yaml\nYaml=""'), others)['k.kube']).toContain('missing-required-key');
    expect(at('5.7', kube('Yaml=a.yaml\nYaml=""'), others)['k.kube']).not.toContain('missing-required-key');
    expect(at('5.7', kube('Yaml=a.yaml\nYaml='), others)['k.kube']).toContain('missing-required-key');
  });
});

describe('quotes around a single value', () => {
  // Lookup strips every edge quote from 5.0 to 5.7, one matched pair only from 5.8 (5.8.2) on; checked with the
  // generators 5.4.2, 5.8.6 and 6.1.1.
  it('reads Pod="p.pod as p.pod up to 5.7 and as "p.pod (no such unit) from 5.8 on', () => {
    const f = [container('Pod="p.pod'), { path: 'p.pod', text: '[Pod]\n[Install]\nWantedBy=default.target\n' }];
    expect(at('5.7', f)['a.container']).toEqual([]);
    expect(at('5.8', f)['a.container']).toContain('missing-reference');
    expect(at('6.1', f)['a.container']).toContain('missing-reference');
  });

  it('reads Image=" as no image up to 5.7 and as the image " from 5.8 on', () => {
    const f: LintFile[] = [{ path: 'a.container', text: '[Container]\nImage="\n' }];
    expect(at('5.7', f)['a.container']).toContain('missing-required-key');
    expect(at('5.8', f)['a.container']).not.toContain('missing-required-key');
  });
});

describe('Mount= without a type', () => {
  it('is refused up to 5.5 and a volume mount from 5.6 on', () => {
    const files = [container('Mount=source=x,destination=/d')];
    expect(at('5.5', files)['a.container']).toContain('invalid-value');
    expect(at('5.6', files)['a.container']).not.toContain('invalid-value');
    expect(at('5.6', [container('Mount=destination=/d')])['a.container']).toContain('generator-crash');
  });
});

describe('Mount= without a source', () => {
  const mount = (m: string) => [container(`Mount=${m}`)];
  it('crashes the generator up to 5.6, is refused in 5.7 and 5.8, and is an anonymous volume from 6.0 on', () => {
    for (const m of ['type=volume,destination=/data', 'type=volume,source=,destination=/data']) {
      expect(at('5.6', mount(m))['a.container'], m).toContain('generator-crash');
      expect(at('5.7', mount(m))['a.container'], m).toContain('invalid-value');
      expect(at('5.8', mount(m))['a.container'], m).toContain('invalid-value');
      expect(at('6.0', mount(m))['a.container'], m).toEqual([]);
    }
  });

  it('is refused for a bind mount from 5.7 on, 6.0 included', () => {
    expect(at('6.0', mount('type=bind,destination=/data'))['a.container']).toContain('invalid-value');
  });

  it('is refused when any source field has no value', () => {
    expect(at('5.4', mount('type=bind,source,source=/x,destination=/data'))['a.container']).toContain('invalid-value');
  });
});

describe('[Unit] dependencies on Quadlet units', () => {
  const unit = (deps: string) => ({
    path: 'a.container',
    text: `[Unit]\n${deps}\n[Container]\nImage=localhost/x\n[Install]\nWantedBy=default.target\n`,
  });
  const db = container('', 'db.container');
  it('rejects a dependency on a unit the set lacks from 5.5 on', () => {
    for (const key of ['Requires', 'Wants', 'After', 'Before', 'BindsTo', 'PartOf', 'Upholds']) {
      expect(at('5.5', [unit(`${key}=basic.container`), db])['a.container'], key).toContain('missing-reference');
      expect(at('5.4', [unit(`${key}=basic.container`), db])['a.container'], key).toEqual([]);
    }
  });

  it('takes units of the set, systemd units, and names of unit types the version does not know', () => {
    expect(at('5.5', [unit('Requires=db.container network-online.target'), db])['a.container']).toEqual([]);
    expect(at('5.6', [unit('Requires=x.artifact'), db])['a.container']).toEqual([]);
    expect(at('5.7', [unit('Requires=x.artifact'), db])['a.container']).toContain('missing-reference');
  });

  it('reads every word of every assignment', () => {
    expect(at('5.5', [unit('Wants=db.container\nWants=nope.volume'), db])['a.container']).toContain(
      'missing-reference',
    );
  });
});

describe('[Service] identity keys', () => {
  const svc = (body: string, name = 'a.container'): LintFile => ({
    path: name,
    text: `[Container]\nImage=localhost/x\n[Service]\n${body}\n[Install]\nWantedBy=default.target\n`,
  });
  it('warns about Group= and DynamicUser= from 5.6 on, where the generator does', () => {
    for (const key of ['Group=users', 'DynamicUser=yes']) {
      expect(at('5.6', [svc(key)])['a.container'], key).toEqual(['conflict-at-start']);
      expect(at('5.5', [svc(key)])['a.container'], key).toEqual([]);
    }
  });

  it('warns in every unit type', () => {
    const vol = { path: 'v.volume', text: '[Volume]\n[Service]\nDynamicUser=yes\n' };
    expect(at('5.6', [vol])['v.volume']).toEqual(['conflict-at-start']);
  });

  it('flags User= in a rootless set at every version, in a rootful one where the generator warns', () => {
    expect(at('5.4', [svc('User=web')])['a.container']).toEqual(['conflict-at-start']);
    expect(at('5.4', [svc('User=web')], { scope: 'system' })['a.container']).toEqual([]);
    expect(at('5.6', [svc('User=web')], { scope: 'system' })['a.container']).toEqual(['conflict-at-start']);
  });
});

describe('rootful and rootless sets', () => {
  const f = [
    {
      path: 'a.container',
      text: '[Container]\nImage=localhost/x\nPublishPort=80:80\n[Install]\nWantedBy=multi-user.target\n',
    },
  ];
  it('gives the user-manager warnings only for a rootless set', () => {
    expect(codes(f)['a.container']!.sort()).toEqual(['privileged-port', 'user-unit-target']);
    expect(codes(f, { scope: 'user' })['a.container']!.sort()).toEqual(['privileged-port', 'user-unit-target']);
    expect(codes(f, { scope: 'system' })['a.container']).toEqual([]);
  });
});

describe('a unit file Podman cannot read', () => {
  const set = [
    { path: 'bad.container', text: '[Container]\nImage=localhost/x\n---\n' },
    container('', 'good.container'),
    container('', 'sub/other.container'),
  ];
  it('makes the generator drop its whole folder from 4.7 on', () => {
    const r = at('4.7', set);
    expect(r['bad.container']).toEqual(['parse-error']);
    expect(r['good.container']).toEqual(['unit-set-aborted']);
    expect(r['sub/other.container']).toEqual([]);
  });

  it('was skipped alone before 4.7', () => {
    expect(at('4.6', set)['good.container']).toEqual([]);
  });

  it('is no unit for references from other folders: the generator never loaded it', () => {
    const files = [
      { path: 'broken/db.container', text: '[Container]\nImage=localhost/x\n---\n' },
      { path: 'broken/net.network', text: '[Network]\n---\n' },
      { path: 'broken/app.pod', text: '[Pod]\n---\n' },
      { path: 'web.container', text: '[Unit]\nRequires=db.container\n[Container]\nImage=localhost/x\n' },
      container('Network=net.network', 'app.container'),
      container('Pod=app.pod', 'member.container'),
    ];
    expect(at('5.4', files)['web.container']).toEqual(['no-install-section']);
    expect(at('5.5', files)['web.container']).toEqual(['no-install-section', 'broken-reference']);
    expect(at('5.4', files)['app.container']).toEqual(['broken-reference']);
    expect(at('5.4', files)['member.container']).toEqual(['broken-reference']);
    // in its own folder, the referrer is dropped with the folder: that is all there is to say
    const together = [files[1]!, { ...container('Network=net.network', 'broken/app.container') }];
    expect(at('5.4', together)['broken/app.container']).toEqual(['unit-set-aborted']);
  });

  it('is not read at all when the version does not know its unit type, so nothing else is dropped', () => {
    const files = [
      { path: 'x.artifact', text: '[Artifact]\nArtifact=quay.io/x/y:1\n---\n' },
      container('', 'good.container'),
    ];
    expect(at('5.6', files)).toEqual({ 'x.artifact': ['unit-type-unsupported'], 'good.container': [] });
    expect(at('5.7', files)).toEqual({ 'x.artifact': ['parse-error'], 'good.container': ['unit-set-aborted'] });
  });
});

describe('enum values newer than the target version', () => {
  it('says Notify=healthy is read as false before 5.0', () => {
    const f = [container('Notify=healthy\nHealthCmd=true')];
    expect(at('4.9', f)['a.container']).toContain('suspicious-value');
    expect(at('5.0', f)['a.container']).not.toContain('suspicious-value');
  });
});

describe('AutoUpdate without a health gate', () => {
  it('warns when podman auto-update could never roll back, and not when Notify=healthy and a HealthCmd are there', () => {
    const codes = (text: string) =>
      lintSet([container(text)])[0]!.diagnostics.filter((d) => d.code === 'auto-update-without-rollback');
    expect(codes('AutoUpdate=registry')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        key: 'AutoUpdate',
        message: expect.stringContaining('updates: apply'),
      }),
    ]);
    expect(codes('AutoUpdate=registry\nHealthCmd=true')).toHaveLength(1);
    expect(codes('AutoUpdate=registry\nHealthCmd=true\nNotify=healthy')).toEqual([]);
    expect(codes('AutoUpdate=disabled')).toEqual([]);
    // the old name of registry rolls back no better; a policy podman does not know is no update at all
    expect(codes('AutoUpdate=image')).toHaveLength(1);
    expect(codes('AutoUpdate=Registry')).toEqual([]);
  });
});

describe('an empty Entrypoint=', () => {
  it('is ignored before 5.8 (the image entrypoint stays), passed on from 5.8 to clear it', () => {
    for (const body of ['Entrypoint=', 'Entrypoint=/bin/sh\nEntrypoint=', 'Entrypoint=""']) {
      expect(at('5.7', [container(body)])['a.container'], body).toContain('ignored-key');
      expect(at('5.8', [container(body)])['a.container'], body).not.toContain('ignored-key');
    }
    for (const body of ['Entrypoint=[]', 'Entrypoint=/bin/sh', 'Entrypoint=\nEntrypoint=/bin/sh']) {
      expect(at('5.4', [container(body)])['a.container'], body).not.toContain('ignored-key');
    }
  });
});
