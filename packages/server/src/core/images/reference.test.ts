import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatReference,
  ImageReferenceError,
  isShortName,
  parseReference,
  registryOf,
  repository,
  tryParseReference,
  withDigest,
} from './reference.js';

const D = `sha256:${'a1'.repeat(32)}`;
const D2 = `sha256:${'0f'.repeat(32)}`;

describe('parseReference', () => {
  it.each([
    ['app', { registry: undefined, path: 'app', tag: undefined, digest: undefined }],
    ['team/app:1.2', { registry: undefined, path: 'team/app', tag: '1.2', digest: undefined }],
    [
      'registry.example.org/team/app',
      { registry: 'registry.example.org', path: 'team/app', tag: undefined, digest: undefined },
    ],
    [
      'registry.sandbox.test:5000/app:v1',
      { registry: 'registry.sandbox.test:5000', path: 'app', tag: 'v1', digest: undefined },
    ],
    ['localhost/busybox:latest', { registry: 'localhost', path: 'busybox', tag: 'latest', digest: undefined }],
    ['localhost:5000/a/b/c', { registry: 'localhost:5000', path: 'a/b/c', tag: undefined, digest: undefined }],
    ['[::1]:5000/app:x', { registry: '[::1]:5000', path: 'app', tag: 'x', digest: undefined }],
    ['[fe80::1]/app', { registry: '[fe80::1]', path: 'app', tag: undefined, digest: undefined }],
    [`registry.example.org/app@${D}`, { registry: 'registry.example.org', path: 'app', tag: undefined, digest: D }],
    [`registry.example.org/app:1.0@${D}`, { registry: 'registry.example.org', path: 'app', tag: '1.0', digest: D }],
    ['team/a.b__c-d---e_f', { registry: undefined, path: 'team/a.b__c-d---e_f', tag: undefined, digest: undefined }],
    ['a.b_c', { registry: undefined, path: 'a.b_c', tag: undefined, digest: undefined }],
    ['Registry.Example.org/app', { registry: 'Registry.Example.org', path: 'app', tag: undefined, digest: undefined }],
    ['app:_underscore.Tag-1', { registry: undefined, path: 'app', tag: '_underscore.Tag-1', digest: undefined }],
    // no slash: `localhost:5000` is the image `localhost` with the tag 5000, as in the grammar
    ['localhost:5000', { registry: undefined, path: 'localhost', tag: '5000', digest: undefined }],
  ])('%s', (input, want) => expect(parseReference(input)).toEqual(want));

  it.each([
    ['', 'empty', 0],
    ['app name', 'whitespace', 3],
    ['Team/app', 'lowercase', 0],
    ['registry.example.org/Team/app', 'lowercase', 21],
    ['registry.example.org/team/App', 'lowercase', 26],
    ['team//app', 'empty', 5],
    ['team/app/', 'empty', 9],
    ['/app', 'empty', 0],
    ['app:', 'tag after ":" is empty', 4],
    ['app:-x', 'a tag is', 4],
    ['app:a+b', 'a tag is', 5],
    [`app:${'t'.repeat(129)}`, 'a tag is', 132],
    ['app@sha256:abc', 'has 64 hex digits, not 3', 11],
    [`app@sha256:${'A'.repeat(64)}`, 'lowercase hexadecimal', 11],
    [`app@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm "md5"', 4],
    ['app@latest', '"algorithm:hex"', 4],
    [`@${D}`, 'name is needed', 0],
    ['registry.example.org:port/app', 'port is a number', 21],
    ['registry..example.org/app', 'empty label', 9],
    ['-bad.example.org/app', 'not a host name label', 0],
    ['[zz::1]/app', 'IPv6', 0],
    ['app!x', '"!" is not allowed', 3],
    // a first component with a "." is a registry host, where "_" has no place
    ['a.b_c/x', 'not a host name label', 2],
    ['a..b', 'a path component is lowercase letters', 0],
    ['a___b', 'a path component is lowercase letters', 0],
    [`${'a'.repeat(256)}`, 'longer than 255', 255],
  ])('%j is refused: %s at %i', (input, what, position) => {
    let err: unknown;
    try {
      parseReference(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImageReferenceError);
    const e = err as ImageReferenceError;
    expect(e.reason).toContain(what);
    expect(e.position).toBe(position);
    expect(e.code).toBe('invalid');
    expect(e.message).toContain(JSON.stringify(input));
    expect(e.message).toContain(`position ${position}`);
  });

  it('tryParseReference answers undefined instead of throwing', () => {
    expect(tryParseReference('Bad')).toBeUndefined();
    expect(tryParseReference('ok')?.path).toBe('ok');
  });
});

describe('short names', () => {
  it.each([
    ['app', true],
    ['team/app:1', true],
    ['library/app', true],
    ['registry.example.org/app', false],
    ['registry.sandbox.test:5000/app', false],
    ['localhost/app', false],
    ['localhost:5000/app', false],
    ['host:5000/app', false],
    ['[::1]/app', false],
  ])('%s → %s', (input, want) => expect(isShortName(input)).toBe(want));
});

describe('format, repository, registryOf', () => {
  it('repository drops tag and digest; registryOf is the host[:port]', () => {
    expect(repository(`registry.sandbox.test:5000/team/app:1@${D}`)).toBe('registry.sandbox.test:5000/team/app');
    expect(repository('team/app:1')).toBe('team/app');
    expect(registryOf('registry.sandbox.test:5000/team/app:1')).toBe('registry.sandbox.test:5000');
    expect(registryOf('localhost/app')).toBe('localhost');
    expect(registryOf('team/app')).toBeUndefined();
  });

  it('formatReference gives back what parseReference read', () => {
    for (const s of ['app', 'team/app:1', `registry.example.org/app:1@${D}`, '[::1]:5000/app', `localhost/a@${D}`])
      expect(formatReference(parseReference(s))).toBe(s);
  });

  const component = fc.stringMatching(/^[a-z0-9]{1,6}(?:[._-][a-z0-9]{1,4})?$/);
  const ref = fc.record({
    registry: fc.option(fc.constantFrom('registry.example.org', 'registry.sandbox.test:5000', 'localhost'), {
      nil: undefined,
    }),
    path: fc.array(component, { minLength: 1, maxLength: 3 }).map((p) => p.join('/')),
    tag: fc.option(fc.stringMatching(/^\w[\w.-]{0,10}$/), { nil: undefined }),
    digest: fc.option(fc.constantFrom(D, D2), { nil: undefined }),
  });
  it('parse(format(r)) = r for generated references', () => {
    fc.assert(
      fc.property(ref, (r) => {
        // a short name whose first component looks like a host is not short: skip those
        fc.pre(r.registry !== undefined || !/[.:]/.test(r.path.split('/')[0]!) || !r.path.includes('/'));
        expect(parseReference(formatReference(r))).toEqual(r);
      }),
    );
  });
});

describe('any text', () => {
  // strings over the characters the grammar cares about, so that accepted and refused inputs both turn up
  const text = fc
    .array(
      fc.constantFrom(
        'a',
        'b',
        'Z',
        '0',
        '.',
        '_',
        '-',
        '/',
        ':',
        '@',
        '[',
        ']',
        'localhost',
        'sha256:',
        'a1'.repeat(32),
      ),
      {
        maxLength: 12,
      },
    )
    .map((xs) => xs.join(''));
  it('is refused with an ImageReferenceError inside the input, or accepted and formatted back unchanged', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(text, (input) => {
        let ref: ReturnType<typeof parseReference>;
        try {
          ref = parseReference(input);
        } catch (e) {
          expect(e).toBeInstanceOf(ImageReferenceError);
          const p = (e as ImageReferenceError).position;
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(input.length);
          refused++;
          return;
        }
        accepted++;
        expect(formatReference(ref)).toBe(input);
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });
});

describe('withDigest', () => {
  it('appends the digest and keeps the tag', () => {
    expect(withDigest('registry.example.org/app:1.0', D)).toBe(`registry.example.org/app:1.0@${D}`);
    expect(withDigest('registry.example.org/app', D)).toBe(`registry.example.org/app@${D}`);
  });
  it('replaces a digest there was', () => {
    expect(withDigest(`registry.example.org/app:1.0@${D}`, D2)).toBe(`registry.example.org/app:1.0@${D2}`);
  });
  it('drops the tag when asked', () => {
    expect(withDigest('registry.example.org/app:1.0', D, { keepTag: false })).toBe(`registry.example.org/app@${D}`);
  });
  it('takes a parsed reference too', () => {
    expect(withDigest(parseReference('localhost/app:2'), D)).toBe(`localhost/app:2@${D}`);
  });
  it('refuses a malformed digest or reference', () => {
    expect(() => withDigest('registry.example.org/app', 'sha256:12')).toThrow(/64 hex digits/);
    expect(() => withDigest('Bad/app', D)).toThrow(ImageReferenceError);
  });
});
