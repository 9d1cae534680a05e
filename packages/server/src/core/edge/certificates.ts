/**
 * Uploaded certificates for the edge: a PEM certificate chain and its private key, which Caddy serves for the host
 * names the certificate names instead of getting one itself. Checked here before anything is stored: the chain
 * parses, the key is the leaf's, it is valid now, and it names at least one DNS host. Pure (node:crypto parses).
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { InvalidError } from '../errors.js';

export interface UploadedCertificate {
  /** The leaf's SHA-256 fingerprint (`AB:CD:…`), its id. */
  fingerprint: string;
  /** The DNS names it covers (its subjectAltName; `*.example.org` for a wildcard). */
  hosts: string[];
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** The chain as uploaded (PEM, leaf first) and the key (PEM). */
  certificate: string;
  key: string;
  uploadedAt: string;
}

/** What is shown of one (never the key). */
export type CertificateInfo = Omit<UploadedCertificate, 'key' | 'certificate'>;

const PEM_CERT = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;
const PEM_KEY =
  /^-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[A-Za-z0-9+/=\s:,-]+-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----\s*$/;
const DNS = /^(?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The DNS names of a certificate's subjectAltName. */
export function dnsNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((n) => n.startsWith('DNS:'))
    .map((n) => n.slice(4).toLowerCase())
    .filter((n) => DNS.test(n));
}

/** Whether a certificate name (`a.example.org`, `*.example.org`) covers a host name. */
export function covers(name: string, host: string): boolean {
  if (!name.startsWith('*.')) return name === host;
  const rest = host.slice(host.indexOf('.') + 1);
  return host.includes('.') && rest === name.slice(2);
}

/** Checks an upload and describes it; throws InvalidError saying what is wrong (never echoing the key). */
export function checkCertificate(
  input: { certificate: string; key: string },
  now: Date = new Date(),
): UploadedCertificate {
  if (input.certificate.length > 64 * 1024) throw new InvalidError('certificate: at most 64 KiB of PEM');
  if (input.key.length > 16 * 1024) throw new InvalidError('key: at most 16 KiB of PEM');
  const blocks = input.certificate.match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw new InvalidError('certificate: no PEM certificate (-----BEGIN CERTIFICATE-----)');
  if (input.certificate.replace(PEM_CERT, '').trim() !== '') {
    throw new InvalidError('certificate: only PEM certificates may be in it (leaf first, then its chain)');
  }
  if (!PEM_KEY.test(input.key.trim()))
    throw new InvalidError('key: not a PEM private key (-----BEGIN PRIVATE KEY-----)');
  if (/ENCRYPTED/.test(input.key)) throw new InvalidError('key: an encrypted key cannot be served; decrypt it first');
  let chain: X509Certificate[];
  try {
    chain = blocks.map((b) => new X509Certificate(b));
  } catch (e) {
    throw new InvalidError(`certificate: does not parse (${(e as Error).message})`);
  }
  const leaf = chain[0]!;
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(input.key);
  } catch {
    throw new InvalidError('key: does not parse as a private key');
  }
  if (!leaf.checkPrivateKey(key)) throw new InvalidError("key: it is not the certificate's key");
  for (let i = 1; i < chain.length; i++) {
    if (!chain[i - 1]!.checkIssued(chain[i]!)) {
      throw new InvalidError(
        `certificate: certificate ${i + 1} did not issue certificate ${i}: put the chain in order`,
      );
    }
  }
  const from = new Date(leaf.validFrom);
  const to = new Date(leaf.validTo);
  if (now < from) throw new InvalidError(`certificate: not valid before ${from.toISOString()}`);
  if (now > to) throw new InvalidError(`certificate: expired on ${to.toISOString()}`);
  const hosts = dnsNames(leaf);
  if (hosts.length === 0) throw new InvalidError('certificate: it names no DNS host (subjectAltName DNS:…)');
  return {
    fingerprint: leaf.fingerprint256,
    hosts,
    subject: leaf.subject.replace(/\n/g, ', '),
    issuer: leaf.issuer.replace(/\n/g, ', '),
    validFrom: from.toISOString(),
    validTo: to.toISOString(),
    certificate: blocks.join('\n').concat('\n'),
    key: `${input.key.trim()}\n`,
    uploadedAt: now.toISOString(),
  };
}

export const certificateInfo = ({ key: _k, certificate: _c, ...info }: UploadedCertificate): CertificateInfo => info;
