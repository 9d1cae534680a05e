/**
 * The real Quadlet generator accepts what render() writes: for the example stack and for generated desired
 * states, every rendered Quadlet file converts without an error, every expected service comes out, and the
 * environment and labels in the generated ExecStart are, once systemd has expanded `%%` and `$$`, exactly the
 * literal values of the spec: a container's, and the labels of the default network and of Podman volumes.
 */
import { splitWords } from '@quadletman/quadlet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serviceOf } from './plan.js';
import { render } from './render.js';
import { type DesiredState, defaultNetworkName, parseSpecText, validateSpec } from './spec.js';
import { specArb } from './test-support/arbitraries.js';
import { expectGeneratorAccepts } from './test-support/generator.js';
import { BLOG_YAML } from './test-support/specs.js';

/** systemd's expansion of ExecStart words: `%%` → `%` (specifiers) and `$$` → `$` (environment). */
const systemdExpand = (w: string) => w.replace(/%%|\$\$/g, (m) => m[0]!);

function execArgs(serviceText: string): string[] {
  // Not a /^…$/m regex: JavaScript ends a line there at U+2028 and U+2029 too, which systemd keeps in a value.
  const line = serviceText
    .split('\n')
    .find((l) => l.startsWith('ExecStart='))
    ?.slice('ExecStart='.length);
  expect(line, 'ExecStart').toBeDefined();
  const r = splitWords(line!, 'args');
  expect(r.error).toBeUndefined();
  return r.words.map(systemdExpand);
}

function flagValues(args: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  args.forEach((a, i) => {
    if (a !== flag) return;
    const kv = args[i + 1]!;
    const eq = kv.indexOf('=');
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  });
  return out;
}

function check(state: DesiredState) {
  const { quadlet, gen } = expectGeneratorAccepts(render(state), state.podmanVersion);
  for (const [name, u] of Object.entries(state.units)) {
    if (u.format === 'text' || u.format === 'systemd') continue;
    const model = u.format === 'timer' ? u.job : u.model;
    if (model.type !== 'container') continue;
    const base = name.slice(0, name.lastIndexOf('.'));
    const args = execArgs(gen.units.get(`${base}.service`)!);
    expect(flagValues(args, '--env')).toEqual(model.container.environment ?? {});
    const labels = flagValues(args, '--label');
    for (const [k, v] of Object.entries(model.container.label ?? {})) expect(labels[k]).toBe(v);
    if (model.container.exec)
      expect(args.slice(-model.container.exec.length)).toEqual(model.container.exec.map(systemdExpand));
  }
  // The default network's and the Podman volumes' labels: `podman network|volume create --label`.
  const own: [file: string, label: Record<string, string> | undefined][] = [
    ...(state.network
      ? [[defaultNetworkName(state.id), state.network.label] as [string, typeof state.network.label]]
      : []),
    ...Object.entries(state.volumes).flatMap(([name, v]): [string, Record<string, string> | undefined][] =>
      v.kind === 'podman' ? [[`${name}.volume`, v.options.label]] : [],
    ),
  ];
  for (const [file, label] of own) {
    const svc = serviceOf(file, quadlet[file]!)!;
    const labels = flagValues(execArgs(gen.units.get(svc)!), '--label');
    for (const [k, v] of Object.entries(label ?? {})) expect(labels[k], `${file} label ${k}`).toBe(v);
  }
  return gen;
}

describe('rendered sets against the real Quadlet generator', () => {
  it('the example stack', () => {
    const gen = check(parseSpecText(BLOG_YAML));
    const web = execArgs(gen.units.get('web.service')!);
    expect(web).toContain('--env-file');
    expect(web[web.indexOf('--env-file') + 1]).toBe('%h/.config/quadletman/files/web.env');
    expect(web).toContain('/var/lib/quadletman/volumes/blog/data:/usr/share/nginx/html:ro');
    expect(web.join(' ')).toContain('--network systemd-blog');
    expect(gen.units.get('backup.service')).toMatch(/^Type=oneshot$/m);
    // part of the compartment's target, and wanted by it (the generator carries both into the service)
    expect(gen.units.get('web.service')).toMatch(/^WantedBy=blog.target$/m);
    expect(gen.units.get('web.service')).toMatch(/^PartOf=blog.target$/m);
  });

  it('hostile literal values reach the container exactly', () => {
    check(
      validateSpec({
        compartment: 'h',
        units: {
          'h.container': {
            container: {
              image: 'docker.io/library/busybox',
              environment: {
                A: 'line\nbreak',
                B: '100% %h %%',
                // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} is the point
                C: '${HOME} $USER $$',
                D: `"q" 'q' \\ \t`,
                E: '\u202eשלום 👩‍👩‍👧',
              },
              label: { 'x.y': 'a b%c$d' },
              exec: ['sh', '-c', 'printf "%%s\\n" "a b"'],
            },
          },
        },
      }),
    );
  });

  it('hostile literal labels reach the default network and Podman volumes exactly; Options= is a unit-file value', () => {
    const label = {
      pct: 'a%nb 100% %%',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} is the point
      env: '$HOME ${X} $$',
      q: `"q" 'q' \\ a  b`,
      'x.y': 'a b%c$d',
    };
    const options = 'uid=1000,context="a b",x=100%% $${X}';
    const state = validateSpec({
      compartment: 'lab',
      network: { label, options: 'isolate=true' },
      units: { 'c.container': { container: { image: 'docker.io/library/busybox', label } } },
      volumes: { v: { kind: 'podman', options: { label, type: 'tmpfs', device: 'tmpfs', options } } },
    });
    const gen = check(state);
    for (const svc of ['lab-network.service', 'v-volume.service', 'c.service']) {
      const labels = flagValues(execArgs(gen.units.get(svc)!), '--label');
      for (const [k, v] of Object.entries(label)) expect(labels[k], `${svc} label ${k}`).toBe(v);
    }
    const net = execArgs(gen.units.get('lab-network.service')!);
    expect(net[net.indexOf('--opt') + 1]).toBe('isolate=true');
    // Options= is a string, not a data map: systemd reads it as in a hand-written unit (`%%` and `$$` are
    // literal `%` and `$`), and Quadlet passes it as `--opt o=…`.
    const vol = execArgs(gen.units.get('v-volume.service')!);
    expect(vol).toContain(`o=${systemdExpand(options)}`);
  });

  it('every unit type the generator knows', () => {
    const gen = check(
      validateSpec({
        compartment: 'all',
        podmanVersion: '5.4',
        units: {
          'base.image': { image: { image: 'docker.io/library/busybox:1.36' } },
          'app.build': {
            build: {
              imageTag: 'localhost/app:1',
              file: 'app/Containerfile',
              setWorkingDirectory: '%h/.config/quadletman/files/app',
            },
          },
          'app.container': { container: { image: 'app.build', volume: ['cache:/cache'] } },
          'tool.container': { container: { image: 'base.image', pod: 'grp.pod' } },
          'grp.pod': { pod: { publishPort: ['8081:81'] } },
          'play.kube': { kube: { yaml: 'play.yaml', configMap: 'cm.yaml' } },
          'extra.network': { network: { internal: true } },
          'named.volume': { volume: { driver: 'local' } },
        },
        volumes: { cache: { kind: 'podman' } },
        files: {
          'app/Containerfile': 'FROM docker.io/library/busybox\n',
          'play.yaml': { content: 'apiVersion: v1\nkind: Pod\n', in: 'quadlet' },
          'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\n',
        },
      }),
    );
    const build = execArgs(gen.units.get('app-build.service')!);
    expect(build).toContain('%h/.config/quadletman/files/app/Containerfile');
    const kube = execArgs(gen.units.get('play.service')!);
    expect(kube).toContain('%h/.config/quadletman/files/cm.yaml');
    expect(gen.units.get('all-network.service')).toBeDefined();
  });

  it('generated desired states', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        check(validateSpec(spec));
      }),
      { numRuns: 25 },
    );
  });
});
