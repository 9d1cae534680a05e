import {
  fromUnitFile,
  getKeyValues,
  parseUnitFile,
  toUnitText,
  type UnitType,
  unitTypeOfFile,
} from '@quadletman/quadlet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidError } from './errors.js';
import { areaOf } from './layout.js';
import { render } from './render.js';
import { parseSpecText, toSpec, validateSpec } from './spec.js';
import { specArb } from './test-support/arbitraries.js';
import { BLOG_YAML } from './test-support/specs.js';
import { unescapeDollar, unescapePercent } from './values.js';

const Q = '.config/containers/systemd';

describe('render', () => {
  const blog = render(parseSpecText(BLOG_YAML));

  it('puts each file in its folder, in path order', () => {
    expect([...blog.files.keys()]).toEqual([
      `${Q}/app.pod`,
      `${Q}/backup.container`,
      `${Q}/blog.network`,
      `${Q}/cache.volume`,
      `${Q}/db.container`,
      `${Q}/legacy.container`,
      `${Q}/sidecar.container`,
      `${Q}/web.container`,
      '.config/quadletman/files/web.env',
      '.config/systemd/user/backup.timer',
      '.config/systemd/user/blog.target',
    ]);
    expect(blog.modes.get('.config/quadletman/files/web.env')).toBe(0o600);
    expect(blog.modes.get(`${Q}/web.container`)).toBe(0o644);
    expect(blog.hostVolumes).toEqual([{ name: 'data', path: '/var/lib/quadletman/volumes/blog/data' }]);
  });

  it('escapes the labels of the default network and of Podman volumes exactly like those of a container', () => {
    const label = {
      pct: 'a%nb',
      env: '$HOME',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} is the point
      brace: '${X} 100%',
      mix: `"q" 'q' \\ a  b`,
    };
    const set = render(
      validateSpec({
        compartment: 'lab',
        network: { label, options: 'isolate=true' },
        units: { 'c.container': { container: { image: 'docker.io/library/busybox', label } } },
        volumes: { v: { kind: 'podman', options: { label, options: 'uid=1000' } } },
      }),
    );
    const labels = (path: string) =>
      set.files
        .get(path)!
        .split('\n')
        .filter((l) => l.startsWith('Label='));
    const expected = [
      'Label="brace=$${X} 100%%"',
      'Label=env=$$HOME',
      `Label="mix=\\"q\\" 'q' \\\\ a  b"`,
      'Label=pct=a%%nb',
    ];
    expect(labels(`${Q}/c.container`)).toEqual(expected);
    expect(labels(`${Q}/lab.network`)).toEqual(expected);
    expect(labels(`${Q}/v.volume`)).toEqual(expected);
    // Options= is a string, a unit-file value: written as the spec says
    expect(set.files.get(`${Q}/lab.network`)).toContain('\nOptions=isolate=true\n');
    expect(set.files.get(`${Q}/v.volume`)).toContain('\nOptions=uid=1000\n');
  });

  it('renders a container with its defaults and resolved references', () => {
    expect(blog.files.get(`${Q}/web.container`)).toBe(
      [
        '[Unit]',
        'PartOf=blog.target',
        '',
        '[Container]',
        'Image=docker.io/library/nginx:1.27',
        'Exec=sleep infinity',
        'PublishPort=8080:80',
        'Volume=/var/lib/quadletman/volumes/blog/data:/usr/share/nginx/html:ro',
        'Volume=cache.volume:/cache',
        'Network=blog.network',
        'Environment=EMPTY=',
        'Environment="GREETING=100%% hello"',
        'EnvironmentFile=%h/.config/quadletman/files/web.env',
        'RunInit=true',
        'SecurityLabelDisable=true',
        '',
        '[Service]',
        'Restart=on-failure',
        '',
        '[Install]',
        'WantedBy=blog.target',
        '',
      ].join('\n'),
    );
    // the compartment's target starts with the user manager
    expect(blog.files.get('.config/systemd/user/blog.target')).toBe(
      '[Unit]\nDescription=quadletman compartment blog: its containers, pods and kube units\n\n[Install]\nWantedBy=default.target\n',
    );
  });

  it('renders the timer and its one-shot job, the default network, the pod and the raw unit', () => {
    expect(blog.files.get('.config/systemd/user/backup.timer')).toBe(
      '[Timer]\nOnCalendar=daily\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n',
    );
    expect(blog.files.get(`${Q}/backup.container`)).toBe(
      '[Container]\nImage=docker.io/library/busybox\nExec=sh -c "echo backup > /x"\nNetwork=blog.network\nRunInit=true\n\n[Service]\nType=oneshot\n',
    );
    expect(blog.files.get(`${Q}/blog.network`)).toBe('[Network]\nSubnet=10.89.1.0/24\n');
    expect(blog.files.get(`${Q}/app.pod`)).toBe(
      '[Unit]\nPartOf=blog.target\n\n[Pod]\nPublishPort=9090:90\nNetwork=blog.network\n\n[Install]\nWantedBy=blog.target\n',
    );
    // in a pod: no default network
    expect(blog.files.get(`${Q}/sidecar.container`)).not.toContain('Network=');
    expect(blog.files.get(`${Q}/legacy.container`)).toBe('[Container]\nImage=docker.io/library/redis\n');
  });

  it('leaves out what the spec turns off', () => {
    const s = validateSpec({
      compartment: 'x',
      network: false,
      units: {
        'a.container': { container: { image: 'i', runInit: false }, install: {} },
        'b.timer': {
          timer: { onBootSec: '5min' },
          install: { wantedBy: ['default.target'] },
          job: { container: { image: 'i', ServiceName: 'custom' }, service: { type: 'notify' } },
        },
      },
    });
    const r = render(s);
    expect(r.files.get(`${Q}/a.container`)).toBe(
      '[Unit]\nPartOf=x.target\n\n[Container]\nImage=i\nRunInit=false\n\n[Install]\n',
    );
    expect(r.files.has(`${Q}/x.network`)).toBe(false);
    expect(r.files.get('.config/systemd/user/b.timer')).toBe(
      '[Timer]\nOnBootSec=5min\nUnit=custom.service\n\n[Install]\nWantedBy=default.target\n',
    );
    expect(r.files.get(`${Q}/b.container`)).toContain('[Service]\nType=notify\n');
  });

  it('renders no compartment target where it is turned off (a bundle), and none without a stack unit', () => {
    const plain = render(parseSpecText(BLOG_YAML), { stackTarget: false });
    expect([...plain.files.keys()]).not.toContain('.config/systemd/user/blog.target');
    expect(plain.files.get(`${Q}/app.pod`)).toBe(
      '[Pod]\nPublishPort=9090:90\nNetwork=blog.network\n\n[Install]\nWantedBy=default.target\n',
    );
    const timerOnly = render(
      validateSpec({
        compartment: 't',
        units: { 'j.timer': { timer: { onBootSec: '1min' }, job: { container: { image: 'i' } } } },
      }),
    );
    expect([...timerOnly.files.keys()].some((k) => k.endsWith('.target'))).toBe(false);
    expect(timerOnly.files.get(`${Q}/j.container`)).not.toContain('PartOf=');
  });

  it('puts quadlet-located files beside the units and honours volumesRoot', () => {
    const s = validateSpec({
      compartment: 'k',
      units: { 'app.kube': { kube: { yaml: 'app.yaml' } } },
      files: { 'app.yaml': { content: 'x: 1\n', in: 'quadlet' } },
      volumes: { v: {} },
    });
    const r = render(s, { volumesRoot: '/srv/vols/' });
    expect(r.files.get(`${Q}/app.yaml`)).toBe('x: 1\n');
    expect(r.files.get(`${Q}/app.kube`)).toBe(
      '[Unit]\nPartOf=k.target\n\n[Kube]\nYaml=app.yaml\nNetwork=k.network\n\n[Install]\nWantedBy=k.target\n',
    );
    expect(r.hostVolumes).toEqual([{ name: 'v', path: '/srv/vols/k/v' }]);
    expect(() => render(s, { volumesRoot: '/srv/../etc' })).toThrow(InvalidError);
    expect(() => render(s, { volumesRoot: 'relative' })).toThrow(InvalidError);
  });

  it('is deterministic: same state, same bytes, whatever the order of the input', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const a = render(validateSpec(spec));
        const reversed = { ...spec, units: Object.fromEntries(Object.entries(spec.units).reverse()) };
        const b = render(validateSpec(JSON.parse(JSON.stringify(reversed))));
        const c = render(validateSpec(toSpec(validateSpec(spec))));
        expect([...b.files]).toEqual([...a.files]);
        expect([...c.files]).toEqual([...a.files]);
        expect([...b.modes]).toEqual([...a.modes]);
        // nothing outside the compartment's three folders
        for (const p of a.files.keys()) {
          expect(areaOf(p), p).toBeDefined();
          expect(p.split('/')).not.toContain('..');
        }
      }),
      { numRuns: 100 },
    );
  });

  // Found by the hostile-input suite: the default network and the options of a Podman volume were written without
  // the data-map escaping, so `Label=K=$HOME %h` reached `podman network create --label` expanded by systemd.
  it('writes the labels of the default network and of Podman volumes literally', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${X} is the point
    const label = { A: '~$$ $HOME ${X} 100% %h', 'b%': '$' };
    const { files } = render(
      validateSpec({ compartment: 'h', network: { label }, volumes: { v: { kind: 'podman', options: { label } } } }),
    );
    for (const [path, section] of [
      [`${Q}/h.network`, 'Network'],
      [`${Q}/v.volume`, 'Volume'],
    ] as const) {
      const back = Object.fromEntries(
        [...getKeyValues(parseUnitFile(files.get(path)!), section, 'Label')].map(([k, v]) => [
          unescapeDollar(unescapePercent(k)),
          unescapeDollar(unescapePercent(v ?? '')),
        ]),
      );
      expect(back, path).toEqual(label);
    }
    expect(files.get(`${Q}/h.network`)).toContain('Label="A=~$$$$ $$HOME $${X} 100%% %%h"');
  });

  it('parse ∘ render: the library reads every unit back to the values of the spec', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const state = validateSpec(spec);
        const { files } = render(state);
        for (const [path, text] of files) {
          if (!path.startsWith(`${Q}/`)) continue;
          const type = unitTypeOfFile(path) as UnitType;
          const model = fromUnitFile(type, parseUnitFile(text));
          // re-serializing what was parsed gives the same bytes
          expect(toUnitText(model)).toBe(text);
          const name = path.slice(Q.length + 1);
          const base = name.slice(0, name.lastIndexOf('.'));
          const lit = (r: Record<string, string> | undefined) =>
            Object.fromEntries(
              Object.entries(r ?? {}).map(([k, v]) => [
                unescapeDollar(unescapePercent(k)),
                unescapeDollar(unescapePercent(v)),
              ]),
            );
          // the default network and the Podman volumes: their labels are literal too
          if (model.type === 'network' && state.network && name === `${state.id}.network`) {
            expect(lit(model.network.label)).toEqual(state.network.label ?? {});
          }
          const vol = state.volumes[base];
          if (model.type === 'volume' && vol?.kind === 'podman') {
            expect(lit(model.volume.label)).toEqual(vol.options.label ?? {});
          }
          const u = state.units[name] ?? state.units[`${base}.timer`];
          if (!u || u.format === 'text' || u.format === 'systemd' || type !== 'container') continue;
          const wanted = u.format === 'timer' ? u.job : u.model;
          if (wanted.type !== 'container' || model.type !== 'container') continue;
          expect(lit(model.container.environment)).toEqual(wanted.container.environment ?? {});
          expect(lit(model.container.label)).toEqual(wanted.container.label ?? {});
          expect(model.container.exec).toEqual(wanted.container.exec);
          expect(model.container.image).toBe(wanted.container.image);
          expect(model.container.publishPort).toEqual(wanted.container.publishPort);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('SELinux relabel of declared host volumes', () => {
  const state = () =>
    validateSpec({
      compartment: 'web',
      units: {
        'a.container': { container: { image: 'x', volume: ['shared:/s', 'own:/o:ro', 'pod:/p', 'labelled:/l:z'] } },
        'b.container': { container: { image: 'x', volume: ['shared:/s:ro,U', '/abs:/abs'] } },
      },
      volumes: { shared: {}, own: {}, labelled: {}, pod: { kind: 'podman' } },
    });
  const volumeLines = (text: string) => text.split('\n').filter((l) => l.startsWith('Volume='));
  it('adds Z to a volume one unit mounts, z to one several mount, nothing to Podman volumes, free paths or a given label', () => {
    const r = render(state(), { selinux: true, volumesRoot: '/v' });
    expect(volumeLines(r.files.get('.config/containers/systemd/a.container')!)).toEqual([
      'Volume=/v/web/shared:/s:z',
      'Volume=/v/web/own:/o:ro,Z',
      'Volume=pod.volume:/p',
      'Volume=/v/web/labelled:/l:z',
    ]);
    expect(volumeLines(r.files.get('.config/containers/systemd/b.container')!)).toEqual([
      'Volume=/v/web/shared:/s:ro,U,z',
      'Volume=/abs:/abs',
    ]);
  });
  it('without SELinux the mounts stay as written', () => {
    const r = render(state(), { volumesRoot: '/v' });
    expect(volumeLines(r.files.get('.config/containers/systemd/a.container')!)[0]).toBe('Volume=/v/web/shared:/s');
  });
});
