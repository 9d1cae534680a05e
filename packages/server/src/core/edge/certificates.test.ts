import { describe, expect, it } from 'vitest';
import { certificateInfo, checkCertificate, covers } from './certificates.js';
import { CA_CERT, LEAF_CERT, LEAF_KEY, OTHER_CERT, OTHER_KEY } from './certificates.test-fixtures.js';

const now = new Date('2030-01-01T00:00:00Z');

describe('uploaded certificates', () => {
  it('takes a leaf with its chain and key, and names its hosts', () => {
    const c = checkCertificate({ certificate: `${LEAF_CERT}${CA_CERT}`, key: LEAF_KEY }, now);
    expect(c.hosts).toEqual(['app.example.test', '*.wild.example.test']);
    expect(c.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(c.issuer).toContain('quadletman test CA');
    expect(c.certificate.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(certificateInfo(c)).not.toHaveProperty('key');
    expect(JSON.stringify(certificateInfo(c))).not.toContain('PRIVATE KEY');
  });

  it.each([
    [{ certificate: 'hello', key: LEAF_KEY }, /certificate: no PEM certificate/],
    [{ certificate: `${LEAF_CERT}junk`, key: LEAF_KEY }, /only PEM certificates/],
    [{ certificate: LEAF_CERT, key: 'nope' }, /key: not a PEM private key/],
    [{ certificate: LEAF_CERT, key: OTHER_KEY }, /not the certificate's key/],
    [{ certificate: `${CA_CERT}${LEAF_CERT}`, key: LEAF_KEY }, /not the certificate's key/],
    [{ certificate: `${LEAF_CERT}${OTHER_CERT}`, key: LEAF_KEY }, /did not issue certificate 1/],
    [{ certificate: OTHER_CERT, key: OTHER_KEY }, /names no DNS host/],
  ])('refuses %#: %s', (input, message) => {
    expect(() => checkCertificate(input, now)).toThrow(message);
  });

  it('refuses one that expired or is not valid yet, saying when', () => {
    expect(() => checkCertificate({ certificate: LEAF_CERT, key: LEAF_KEY }, new Date('2200-01-01'))).toThrow(
      /expired on 2126-/,
    );
    expect(() => checkCertificate({ certificate: LEAF_CERT, key: LEAF_KEY }, new Date('2020-01-01'))).toThrow(
      /not valid before 2026-/,
    );
  });

  it('never repeats the key in an error', () => {
    let message = '';
    try {
      checkCertificate({ certificate: OTHER_CERT, key: LEAF_KEY }, now);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^key: /);
    expect(message).not.toContain('PRIVATE');
  });

  it('covers exact names and one level under a wildcard', () => {
    expect(covers('app.example.test', 'app.example.test')).toBe(true);
    expect(covers('*.wild.example.test', 'a.wild.example.test')).toBe(true);
    expect(covers('*.wild.example.test', 'a.b.wild.example.test')).toBe(false);
    expect(covers('*.wild.example.test', 'wild.example.test')).toBe(false);
  });
});
