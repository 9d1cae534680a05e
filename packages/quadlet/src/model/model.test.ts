import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAIN_SECTION, UNIT_TYPES, type UnitType } from '../registry/types';
import { valueProblem } from '../unit-file/encode';
import { parseUnitFile } from '../unit-file/parse';
import { serializeUnitFile } from '../unit-file/serialize';
import { word } from '../unit-file/test-support/arbitraries';
import type { Extra, FieldKind } from './fields';
import { INSTALL_FIELDS, QUADLET_FIELDS, SERVICE_FIELDS, UNIT_FIELDS } from './sections/common';
import { type ContainerUnit, fromUnitFile, MAIN_FIELDS, toUnitFile, toUnitText, type UnitModel } from './unit-model';

describe('container model', () => {
  const text = `[Unit]
Description=Web app
After=network-online.target db.service

[Container]
Image=quay.io/org/web:1
Exec=serve --port "8080" --name 'my app'
PublishPort=8080:80
PublishPort=8443:443
Environment=A=1 "B=two words"
Environment=C=\\x41
Label=app=web
PodmanArgs=--log-level=debug
ReadOnly=yes
Sysctl=net.ipv4.ip_forward=1
Notify=maybe
Label=bare

[Service]
Restart=always

[Install]
WantedBy=default.target
`;

  it('reads typed fields and keeps the rest in order', () => {
    const m = fromUnitFile('container', parseUnitFile(text));
    expect(m.unit).toEqual({ description: 'Web app', after: ['network-online.target', 'db.service'] });
    expect(m.container).toEqual({
      image: 'quay.io/org/web:1',
      exec: ['serve', '--port', '8080', '--name', 'my app'],
      publishPort: ['8080:80', '8443:443'],
      environment: { A: '1', B: 'two words', C: 'A' },
      podmanArgs: ['--log-level=debug'],
      readOnly: true,
      notify: 'maybe',
    });
    expect(m.extra).toEqual([
      ['Container', 'Label', 'app=web'],
      ['Container', 'Sysctl', 'net.ipv4.ip_forward=1'],
      ['Container', 'Label', 'bare'],
    ]);
    expect(m.service).toEqual({ restart: 'always' });
    expect(m.install).toEqual({ wantedBy: ['default.target'] });
  });

  it('writes deterministic text through the encoder', () => {
    const m: ContainerUnit = {
      type: 'container',
      container: {
        image: 'img',
        environment: { Z: 'last', A: 'has space', M: '50%' },
        exec: ['sh', '-c', 'echo "hi"'],
        readOnly: false,
      },
      install: { wantedBy: ['default.target'] },
      extra: [
        ['X-Mine', 'K', 'v'],
        ['Container', 'Sysctl', 'a=b'],
      ],
    };
    expect(toUnitText(m)).toBe(`[Container]
Image=img
Exec=sh -c "echo \\"hi\\""
Environment="A=has space"
Environment=M=50%
Environment=Z=last
ReadOnly=false
Sysctl=a=b

[Install]
WantedBy=default.target

[X-Mine]
K=v
`);
    expect(fromUnitFile('container', toUnitFile(m))).toEqual({ ...m, extra: [m.extra[1], m.extra[0]] });
  });

  it('reads every unit type, with an empty main section when it is missing', () => {
    for (const type of UNIT_TYPES) {
      const m = fromUnitFile(type, parseUnitFile('[Unit]\nDescription=x\n'));
      expect((m as unknown as Record<string, unknown>)[type]).toEqual({});
      expect(serializeUnitFile(toUnitFile(m))).toBe(`[Unit]\nDescription=x\n\n[${MAIN_SECTION[type]}]\n`);
    }
  });
});

const text = fc
  .string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '"', "'", '\\', '%', '=', ':', 'é', '#', '😀'), maxLength: 10 })
  .filter((v) => valueProblem(v) === undefined);
const item = text.filter((v) => v !== '');
const kvKey = fc.string({ unit: fc.constantFrom('A', 'b', '_', '.', ' ', '"', '1', 'é'), minLength: 1, maxLength: 5 });

function valueArb(kind: FieldKind): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'string':
      return text;
    case 'bool':
      return fc.boolean();
    case 'list':
      return fc.array(item, { minLength: 1, maxLength: 3 });
    case 'args':
      return fc.array(word, { maxLength: 3 });
    case 'argsAll':
      return fc.array(word, { minLength: 1, maxLength: 3 });
    case 'strv':
      return fc.array(
        word.filter((w) => !/[\n\r]/.test(w)),
        { minLength: 1, maxLength: 3 },
      );
    case 'kv':
      return fc.dictionary(
        kvKey,
        fc.string({ maxLength: 6 }).filter((s) => !s.includes('\0')),
        { minKeys: 1, maxKeys: 3 },
      );
  }
}

const sectionArb = (table: Readonly<Record<string, readonly [string, FieldKind]>>) =>
  fc.record(Object.fromEntries(Object.entries(table).map(([f, [, kind]]) => [f, valueArb(kind)])), {
    requiredKeys: [],
  });

const OUTPUT_ORDER = (type: UnitType) => ['Unit', MAIN_SECTION[type], 'Quadlet', 'Service', 'Install', 'X-Custom'];

const modelArb = fc.constantFrom(...UNIT_TYPES).chain((type) =>
  fc
    .record({
      unit: fc.option(sectionArb(UNIT_FIELDS), { nil: undefined }),
      main: sectionArb(MAIN_FIELDS[type]),
      quadlet: fc.option(sectionArb(QUADLET_FIELDS), { nil: undefined }),
      service: fc.option(sectionArb(SERVICE_FIELDS), { nil: undefined }),
      install: fc.option(sectionArb(INSTALL_FIELDS), { nil: undefined }),
      extra: fc.array(
        fc.tuple(
          fc.constantFrom('Unit', MAIN_SECTION[type], 'Service', 'X-Custom'),
          fc.constantFrom('X-A', 'X-B'),
          text,
        ),
        { maxLength: 4 },
      ),
    })
    .map(({ main, extra, ...rest }): UnitModel => {
      const order = OUTPUT_ORDER(type);
      const sorted = [...extra].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0])) as Extra[];
      const m: Record<string, unknown> = { type, [type]: main, extra: sorted };
      for (const [k, v] of Object.entries(rest)) if (v !== undefined) m[k] = v;
      // A typed section that only has extras still exists: it reads back as an empty object.
      if (sorted.some(([s]) => s === 'Unit')) m.unit ??= {};
      if (sorted.some(([s]) => s === 'Service')) m.service ??= {};
      return m as unknown as UnitModel;
    }),
);

describe('model round trip', () => {
  it('property: fromUnitFile(toUnitFile(m)) equals m, through text', () => {
    fc.assert(
      fc.property(modelArb, (m) => {
        const text = toUnitText(m);
        expect(fromUnitFile(m.type, parseUnitFile(text))).toEqual(m);
        expect(toUnitText(fromUnitFile(m.type, parseUnitFile(text)))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

describe('odd names', () => {
  it('keeps a KEY=VALUE name like __proto__ as an ordinary key', () => {
    const m = fromUnitFile('container', parseUnitFile('[Container]\nLabel=__proto__=x\n'));
    expect(Object.keys(m.container.label ?? {})).toEqual(['__proto__']);
    expect(toUnitText(m)).toBe('[Container]\nLabel=__proto__=x\n');
  });
});
