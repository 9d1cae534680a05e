// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates are written with literal ${name} placeholders
// Templates: a compartment's spec saved with parameters gives back the same desired state (property tests over
// random specs and one with every unit type), parameters are checked, and values cannot reach past their place.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidError } from '../errors.js';
import { type CompartmentId, parseCompartmentId } from '../ids.js';
import { type DesiredState, parseSpecText, toSpec, validateSpec } from '../spec.js';
import { dataValue, specArb } from '../test-support/arbitraries.js';
import { BLOG_YAML } from '../test-support/specs.js';
import {
  generateValue,
  instantiate,
  parseTemplate,
  parseTemplateText,
  type Template,
  templateFromState,
  templateToYaml,
} from './template.js';

const id = (s: string) => parseCompartmentId(s);

/** A spec with a unit of every Quadlet type, raw text naming the compartment, secrets, probes and files. */
const EVERY_TYPE = `
compartment: shop
description: Every part
network: { subnet: 10.89.7.0/24 }
units:
  web.container:
    container: { image: localhost/shop-web.build, publishPort: "8080:80", network: shop.network, secret: [api-key] }
  db.container: { container: { image: db.image, volume: ["pgdata.volume:/var/lib/pg"], environment: { PGPASSWORD_FILE: "/run/secrets/db-password" } } }
  pgdata.volume: { volume: { label: { keep: "yes" } } }
  backend.network: { network: { internal: true } }
  db.image: { image: { image: docker.io/library/postgres:16 } }
  shop-web.build: { build: { imageTag: localhost/shop-web, file: "%h/.config/quadletman/files/web/Containerfile" } }
  app.kube: { kube: { yaml: app.yaml } }
  app.pod: { pod: { publishPort: ["9090:90"] } }
  nightly.timer:
    timer: { onCalendar: "*-*-* 03:00", persistent: true }
    job: { container: { image: docker.io/library/busybox, exec: [sh, -c, "echo $HOME \${X} > /x"] } }
  raw.container: { text: "[Container]\\nImage=docker.io/library/redis\\nNetwork=shop.network\\nVolume=/var/lib/quadletman/volumes/shop/cache:/c\\n" }
volumes: { cache: {}, pg: { kind: podman, options: { driver: local } } }
files:
  web/Containerfile: { content: "FROM scratch\\n" }
  app.yaml: { content: "apiVersion: v1\\nkind: Pod\\n", in: quadlet }
secrets: [db-password, { name: api-key, description: The API key }]
registries: [{ registry: docker.io, username: shopkeeper }]
probes: [{ name: web, type: http, port: 8080, path: /health }, { name: db, type: tcp, port: 5432 }]
`;

const withId = (state: DesiredState, to: CompartmentId): DesiredState => {
  const text = JSON.stringify(toSpec(state))
    .replaceAll(`${state.id}.network`, `${to}.network`)
    .replaceAll(`/volumes/${state.id}/`, `/volumes/${to}/`);
  return validateSpec({ ...JSON.parse(text), compartment: to });
};

/** Every string value of a spec (for parameter values the property picks from). */
const stringsOf = (v: unknown): string[] =>
  typeof v === 'string'
    ? [v]
    : Array.isArray(v)
      ? v.flatMap(stringsOf)
      : v !== null && typeof v === 'object'
        ? Object.values(v).flatMap(stringsOf)
        : [];

describe('a compartment saved as a template', () => {
  it('gives back the same state, every unit type and part included, under its own id or another', () => {
    for (const text of [EVERY_TYPE, BLOG_YAML]) {
      const state = parseSpecText(text);
      const t = templateFromState(state, { name: 'saved' });
      expect(instantiate(t, state.id, {}).state).toEqual(state);
      // through its YAML too (what the store keeps and `template export` prints)
      expect(instantiate(parseTemplateText(templateToYaml(t)), state.id, {}).state).toEqual(state);
      const other = instantiate(t, id('other'), {}).state;
      expect(other).toEqual(withId(state, id('other')));
    }
    const shop = instantiate(templateFromState(parseSpecText(EVERY_TYPE), { name: 's' }), id('mall'), {}).state;
    expect(shop.units['raw.container']).toEqual({
      format: 'text',
      text: '[Container]\nImage=docker.io/library/redis\nNetwork=mall.network\nVolume=/var/lib/quadletman/volumes/mall/cache:/c\n',
    });
    // a literal ${X} and $HOME stay literal
    expect(JSON.stringify(shop.units['nightly.timer'])).toContain('echo $HOME ${X} > /x');
  });

  it('round-trips random specs, with random parts of their values made parameters (property)', () => {
    let withParameters = 0;
    fc.assert(
      fc.property(
        specArb.chain((spec) => {
          const state = validateSpec(spec);
          const strings = stringsOf(toSpec(state)).filter((s) => s !== '');
          const part =
            strings.length === 0
              ? fc.constant([] as string[])
              : fc.uniqueArray(
                  fc
                    .constantFrom(...strings)
                    .chain((s) =>
                      fc.tuple(fc.nat(s.length - 1), fc.nat(s.length)).map(([a, n]) => s.slice(a, a + Math.max(1, n))),
                    ),
                  { maxLength: 3 },
                );
          return fc.tuple(fc.constant(state), part);
        }),
        ([state, parts]) => {
          const parameters = Object.fromEntries(parts.map((p, i) => [`p${i}`, p]));
          let t: Template;
          try {
            t = templateFromState(state, { name: 'prop', parameters });
          } catch (err) {
            // a part that is only inside the compartment's own names, or not plain text, is refused — clearly
            expect(err).toBeInstanceOf(InvalidError);
            expect((err as Error).message).toMatch(/occurs nowhere|parameters\.p\d/);
            return;
          }
          expect(t.parameters.map((p) => p.default)).toEqual(parts);
          if (parts.length > 0) withParameters++;
          expect(instantiate(t, state.id, {}).state).toEqual(state);
          expect(instantiate(parseTemplateText(templateToYaml(t)), state.id, {}).state).toEqual(state);
        },
      ),
      { numRuns: 150 },
    );
    expect(withParameters).toBeGreaterThan(50);
  });

  it('keeps a value with a line of only blanks through its YAML (found by the property above)', () => {
    const state = validateSpec({
      compartment: 'app',
      units: { 'a.container': { container: { image: 'localhost/a' } } },
      volumes: { cache: { kind: 'podman', options: { label: { a: ' \n' } } } },
    });
    const t = templateFromState(state, { name: 'blank' });
    expect(instantiate(parseTemplateText(templateToYaml(t)), state.id, {}).state).toEqual(state);
  });

  it('makes the given values parameters, and other values give another state', () => {
    const state = parseSpecText(BLOG_YAML);
    const t = templateFromState(state, {
      name: 'blog',
      parameters: { port: '8080', image: 'docker.io/library/nginx:1.27' },
    });
    expect(t.parameters).toEqual([
      { name: 'port', default: '8080' },
      { name: 'image', default: 'docker.io/library/nginx:1.27' },
    ]);
    const web = (t.spec.units as Record<string, { container: Record<string, unknown> }>)['web.container']!;
    expect(web.container.image).toBe('${image}');
    expect(web.container.publishPort).toEqual(['${port}:80']);
    const other = instantiate(t, id('blog2'), { port: '8181', image: 'docker.io/library/nginx:1.28' }).state;
    expect(other.units['web.container']).toMatchObject({
      model: { container: { image: 'docker.io/library/nginx:1.28', publishPort: ['8181:80'] } },
    });
    expect(other.probes.find((p) => p.name === 'web')).toMatchObject({ port: 8080 }); // numbers are not parameters
  });

  it('refuses a parameter value that occurs nowhere, or is empty, by its name', () => {
    const state = parseSpecText(BLOG_YAML);
    expect(() => templateFromState(state, { name: 'b', parameters: { port: '7777' } })).toThrow(
      /parameters\.port: "7777" occurs nowhere in the spec/,
    );
    expect(() => templateFromState(state, { name: 'b', parameters: { port: '' } })).toThrow(/parameters\.port/);
    expect(() => templateFromState(state, { name: 'b', parameters: { Port: '8080' } })).toThrow(/parameters\.Port/);
    expect(() => templateFromState(state, { name: 'b', parameters: { compartment: 'blog' } })).toThrow(
      /the new compartment's id/,
    );
  });
});

const TEMPLATE = `
template: 1
name: notes
description: A notes app
version: "1.0.0"
parameters:
  - { name: port, description: The page's port, default: "8080", pattern: "[0-9]{2,5}" }
  - { name: title, description: The site's title }
  - { name: admin_password, generate: password, secret: admin-password }
  - { name: api_token, generate: token }
spec:
  units:
    app.container:
      container:
        image: localhost/notes:1
        publishPort: "\${port}:8080"
        environment: { TITLE: "\${title}", TOKEN: "\${api_token}", COST: "$$5", HOST: "\${compartment}.local" }
        secret: [admin-password]
  secrets: [admin-password]
`;

describe('creating from a template', () => {
  const t = parseTemplateText(TEMPLATE);

  it('fills parameters from the values, defaults and generated values; generated secrets are returned once', () => {
    const made = instantiate(t, id('notes1'), { title: 'My "notes" 100%' });
    const app = made.state.units['app.container'];
    expect(app).toMatchObject({
      model: {
        container: {
          publishPort: ['8080:8080'],
          environment: expect.objectContaining({ TITLE: 'My "notes" 100%', COST: '$5', HOST: 'notes1.local' }),
        },
      },
    });
    expect(made.values.map((v) => [v.name, v.source])).toEqual([
      ['port', 'default'],
      ['title', 'given'],
      ['admin_password', 'generated'],
      ['api_token', 'generated'],
    ]);
    const pw = made.values.find((v) => v.name === 'admin_password')!;
    expect(pw.value).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(made.secrets).toEqual([{ name: 'admin-password', value: pw.value }]);
    expect(made.values.find((v) => v.name === 'api_token')!.value).toMatch(/^[0-9a-f]{64}$/);
    // the secret's value is in no part of the state
    expect(JSON.stringify(made.state)).not.toContain(pw.value);
    // two creations, two passwords
    expect(instantiate(t, id('notes2'), { title: 'x' }).secrets[0]!.value).not.toBe(pw.value);
  });

  it('refuses unknown, missing, malformed and multi-line values with their names, before anything', () => {
    expect(() => instantiate(t, id('n'), {})).toThrow(/values\.title: a value is needed \(The site's title\)/);
    expect(() => instantiate(t, id('n'), { title: 'x', colour: 'red' })).toThrow(
      /values\.colour: notes has no parameter colour \(it has: port, title, admin_password, api_token\)/,
    );
    expect(() => instantiate(t, id('n'), { title: 'x', port: '80a' })).toThrow(/values\.port: "80a" does not match/);
    expect(() => instantiate(t, id('n'), { title: 'x\nExecStartPre=/bin/sh' })).toThrow(/values\.title/);
  });

  it('cannot add a line, a key or a path through a value: the spec checks refuse it with its place', () => {
    const tt = parseTemplate({
      template: 1,
      name: 'inj',
      parameters: [{ name: 'v' }],
      spec: {
        units: { 'a.container': { container: { image: 'localhost/a', exec: 'run ${v}', workingDir: '/srv/${v}' } } },
        files: { 'a.env': { content: 'A=${v}\n' } },
      },
    });
    // a trailing backslash would join the next line of the unit file
    expect(() => instantiate(tt, id('n'), { v: 'x\\' })).toThrow(/units\["a\.container"\]\.container/);
    // a bad specifier is refused where it lands
    expect(() => instantiate(tt, id('n'), { v: '%Z' })).toThrow(/units\["a\.container"\]\.container/);
    // a value written where a string may hold anything stays that string; keys stay literal
    const ok = instantiate(tt, id('n'), { v: '../../etc' });
    expect(Object.keys(ok.state.files)).toEqual(['a.env']);
    expect(ok.state.files['a.env']!.content).toBe('A=../../etc\n');
  });

  it('puts any value in literally or refuses it: never read again as a template, never past its place (property)', () => {
    const tt = parseTemplate({
      template: 1,
      name: 'lit',
      parameters: [{ name: 'v' }, { name: 'w', default: 'W' }],
      spec: {
        units: {
          'a.container': {
            container: {
              image: 'localhost/a',
              environment: { V: 'x${v}y' },
              label: { l: '${v}' },
              exec: ['run', '${v}'],
            },
          },
        },
        files: { 'a.env': { content: 'A=${v}\n' } },
      },
    });
    let accepted = 0;
    fc.assert(
      fc.property(dataValue, (v) => {
        let made: ReturnType<typeof instantiate>;
        try {
          made = instantiate(tt, id('n'), { v });
        } catch (err) {
          expect(err).toBeInstanceOf(InvalidError);
          expect((err as Error).message).toMatch(/values\.v|units\["a\.container"\]/);
          return;
        }
        accepted++;
        const c = (made.state.units['a.container'] as unknown as { model: { container: Record<string, unknown> } })
          .model.container;
        // `${w}` or `$$` inside the value stay as written: a value is never interpolated itself
        expect(c.environment).toEqual({ V: `x${v}y` });
        expect(c.label).toEqual({ l: v });
        expect(c.exec).toEqual(['run', v]);
        expect(made.state.files['a.env']!.content).toBe(`A=${v}\n`);
        expect(Object.keys(made.state.units)).toEqual(['a.container']);
      }),
      { numRuns: 300 },
    );
    expect(accepted).toBeGreaterThan(30);
  });

  it('checks a template: parameters it uses are declared, names and patterns are sound', () => {
    const bad =
      (spec: unknown, parameters: unknown[] = []) =>
      () =>
        parseTemplate({ template: 1, name: 'bad', parameters, spec });
    expect(bad({ description: 'at ${nope}' })).toThrow(/spec\.description: \$\{nope\} is no parameter of the template/);
    expect(bad({ description: '$HOME' })).toThrow(/\$\{HOME\} is no parameter/);
    expect(bad({ description: '${x' }, [{ name: 'x' }])).toThrow(/spec\.description: invalid interpolation/);
    expect(bad({ compartment: 'a' })).toThrow(/spec\.compartment: a template names no compartment/);
    expect(bad({}, [{ name: 'a' }, { name: 'a' }])).toThrow(/parameters\[1\]\.name: a is declared twice/);
    expect(bad({}, [{ name: 'a', pattern: '(' }])).toThrow(/parameters\[0\]\.pattern: must be a valid regular/);
    expect(bad({}, [{ name: 'a', pattern: '[0-9]+', default: 'x' }])).toThrow(
      /parameters\[0\]\.default: does not match/,
    );
    expect(bad({}, [{ name: 'a', colour: 1 }])).toThrow(/parameters\[0\]/);
    expect(() => parseTemplate({ template: 2, name: 'x', spec: {} })).toThrow(/template: must be 1/);
    expect(() => parseTemplateText('template: [', 'in.yaml')).toThrow(/in\.yaml:\d+:\d+ is not valid YAML/);
  });

  it('generates letters and digits, or hex', () => {
    const many = Array.from({ length: 50 }, () => generateValue('password'));
    expect(new Set(many).size).toBe(50);
    for (const p of many) expect(p).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(generateValue('token')).toMatch(/^[0-9a-f]{64}$/);
  });
});
