import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validUnitText } from '../unit-file/test-support/arbitraries';
import { parseBundle } from './parse';
import { BundleError, serializeBundle } from './serialize';

const EXAMPLE = `# FileName=web-server
[Container]
Image=nginx:latest
PublishPort=8080:80

---

# FileName=app-storage
[Volume]
Label=app=webapp

---

# FileName=app-network
[Network]
Subnet=10.0.0.0/24
`;

describe('parseBundle', () => {
  it('reads the documented example', () => {
    const { units, diagnostics } = parseBundle(EXAMPLE);
    expect(diagnostics).toEqual([]);
    expect(units.map((u) => [u.name, u.type, u.line])).toEqual([
      ['web-server.container', 'container', 1],
      ['app-storage.volume', 'volume', 8],
      ['app-network.network', 'network', 14],
    ]);
    expect(units[1]!.text).toBe('# FileName=app-storage\n[Volume]\nLabel=app=webapp\n');
  });

  it('takes the type from the first Quadlet header, case-insensitively, and the first FileName', () => {
    const { units, diagnostics } = parseBundle(
      '[Unit]\nDescription=x\n[container]\n#   FileName =no\n#FileName=  a  \n# FileName=b\n',
    );
    expect(units.map((u) => u.name)).toEqual(['a.container']);
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['bundle-extra-filename', 6]]);
  });

  it('reports what makes Podman refuse the bundle', () => {
    const text =
      '---\n[Container]\nImage=a\n---\n# FileName=x\n[Service]\n---\n  \n---\n# FileName=\n[Pod]\n---\n# FileName=a/b\n[Pod]\n---\n# FileName=p\n[Pod]\n---\n# FileName=p\n[Pod]\n';
    expect(parseBundle(text).diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['bundle-missing-filename', 2],
      ['bundle-unknown-type', 5],
      ['bundle-empty-part', 8],
      ['bundle-invalid-filename', 10],
      ['bundle-invalid-filename', 13],
      ['bundle-duplicate-filename', 19],
    ]);
    expect(parseBundle('\n---\n\n').diagnostics.map((d) => d.code)).toEqual(['bundle-empty']);
  });

  it('keeps CRLF line ends', () => {
    const { units } = parseBundle('# FileName=a\r\n[Pod]\r\nPodName=x\r\n---\r\n# FileName=b\r\n[Pod]\r\n');
    expect(units.map((u) => u.text)).toEqual(['# FileName=a\r\n[Pod]\r\nPodName=x\r\n', '# FileName=b\r\n[Pod]\r\n']);
  });
});

describe('serializeBundle', () => {
  it('adds a missing FileName comment and refuses units it cannot write', () => {
    expect(serializeBundle([{ name: 'a.pod', text: '\n[Pod]\nPodName=a\n\n' }])).toBe(
      '# FileName=a\n[Pod]\nPodName=a\n',
    );
    expect(() => serializeBundle([{ name: 'a.pod', text: '[Container]\n' }])).toThrow(BundleError);
    expect(() => serializeBundle([{ name: 'a.pod', text: '[Pod]\n---\n' }])).toThrow(BundleError);
    expect(() => serializeBundle([{ name: 'a.pod', text: '# FileName=b\n[Pod]\n' }])).toThrow(BundleError);
    expect(() => serializeBundle([{ name: 'a.txt', text: '[Pod]\n' }])).toThrow(BundleError);
  });

  const unitArb = fc
    .tuple(
      fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
      fc.constantFrom('container', 'pod', 'volume', 'network', 'kube', 'image', 'build', 'artifact'),
      validUnitText,
    )
    .map(([base, type, body]) => {
      const text = `# FileName=${base}\n[${type[0]!.toUpperCase()}${type.slice(1)}]\n${body.replaceAll('\r\n', '\n')}`;
      return { base, name: `${base}.${type}`, text: `${text.trim()}\n` };
    })
    .filter((u) => !u.text.split('\n').some((l) => l.trim() === '---'));

  it('property: units → text → the same units, and text → units → the same text', () => {
    fc.assert(
      fc.property(fc.uniqueArray(unitArb, { minLength: 1, maxLength: 4, selector: (u) => u.base }), (us) => {
        const units = us.map(({ name, text }) => ({ name, text }));
        const text = serializeBundle(units);
        const parsed = parseBundle(text);
        expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(parsed.units.map(({ name, text }) => ({ name, text }))).toEqual(units);
        expect(serializeBundle(parsed.units)).toBe(text);
      }),
    );
  });
});
