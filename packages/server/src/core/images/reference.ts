// Image references as the distribution reference grammar spells them: `[host[:port]/]path[:tag][@digest]`.
// Parse (with errors that say what is wrong and where), format, pin to a digest, and tell short names (no
// registry) from qualified ones the way containers/image does. Pure.

import { InvalidError } from '../errors.js';

export interface ImageReference {
  /** `host[:port]` (`registry.example.org`, `registry.sandbox.test:5000`, `localhost`, `[::1]:5000`); undefined for a short name. */
  registry: string | undefined;
  /** Path components joined by `/` (`team/app`). */
  path: string;
  tag: string | undefined;
  /** `algorithm:hex` (`sha256:…`). */
  digest: string | undefined;
}

/** An invalid reference: `reason` says what, `position` (0-based, into `input`) says where. */
export class ImageReferenceError extends InvalidError {
  override readonly name: string = 'ImageReferenceError';
  readonly input: string;
  readonly reason: string;
  readonly position: number;
  constructor(input: string, reason: string, position: number) {
    super(`invalid image reference ${JSON.stringify(input)}: ${reason} (at position ${position})`, {
      details: { reference: input, reason, position },
    });
    this.input = input;
    this.reason = reason;
    this.position = position;
  }
}

const NAME_MAX = 255;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT_RE = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_RE = /^\[[a-fA-F0-9:]+\]$/;
const DIGEST_ALGORITHM_RE = /^[A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*$/;
/** The algorithms go-digest validates (others are refused as unsupported), with their hex lengths. */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** True when a first path component names a registry: it has a `.` or `:`, is `localhost`, or is an IPv6 `[…]`. */
export function looksLikeRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component.startsWith('[');
}

/** Parse `input`; throws {@link ImageReferenceError} when it does not follow the grammar. */
export function parseReference(input: string): ImageReference {
  const fail = (reason: string, position: number): never => {
    throw new ImageReferenceError(input, reason, position);
  };
  if (input === '') fail('the reference is empty', 0);
  const ws = input.search(/\s/);
  if (ws >= 0) fail('whitespace is not allowed', ws);

  let rest = input;
  let digest: string | undefined;
  const at = input.indexOf('@');
  if (at >= 0) {
    digest = input.slice(at + 1);
    checkDigest(digest, at + 1, fail);
    rest = input.slice(0, at);
    if (rest === '') fail('a name is needed before the digest', 0);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/') && !(rest.startsWith('[') && !rest.includes('/'))) {
    tag = rest.slice(colon + 1);
    if (tag === '') fail('the tag after ":" is empty', colon + 1);
    if (!TAG_RE.test(tag))
      fail(
        'a tag is 1 to 128 letters, digits, "_", "." or "-", and does not start with "." or "-"',
        colon + 1 + firstBad(tag, /[\w.-]/, /[\w]/),
      );
    rest = rest.slice(0, colon);
  }
  if (rest === '') fail('the name is empty', 0);
  if (rest.length > NAME_MAX) fail(`the name is longer than ${NAME_MAX} characters`, NAME_MAX);

  let registry: string | undefined;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0 && looksLikeRegistry(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    checkRegistry(registry, fail);
    path = rest.slice(slash + 1);
  }
  checkPath(path, rest.length - path.length, fail);
  return { registry, path, tag, digest };
}

/** Like {@link parseReference}, but undefined instead of an error. */
export function tryParseReference(input: string): ImageReference | undefined {
  try {
    return parseReference(input);
  } catch (e) {
    if (e instanceof ImageReferenceError) return undefined;
    throw e;
  }
}

type Fail = (reason: string, position: number) => never;

/** Index of the first character not allowed (`first` for the first character, `rest` after it). */
function firstBad(s: string, rest: RegExp, first: RegExp = rest): number {
  for (let i = 0; i < s.length; i++) if (!(i === 0 ? first : rest).test(s[i]!)) return i;
  return Math.min(s.length, 128);
}

function checkDigest(digest: string, at: number, fail: Fail): void {
  const sep = digest.indexOf(':');
  if (sep < 0) fail('a digest is "algorithm:hex" (sha256:…)', at);
  const algorithm = digest.slice(0, sep);
  const hex = digest.slice(sep + 1);
  if (!DIGEST_ALGORITHM_RE.test(algorithm)) fail(`"${algorithm}" is not a digest algorithm`, at);
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) fail(`unsupported digest algorithm "${algorithm}" (sha256, sha384 or sha512)`, at);
  const bad = hex.search(/[^0-9a-f]/);
  if (bad >= 0) fail('a digest is lowercase hexadecimal', at + sep + 1 + bad);
  if (hex.length !== length) fail(`a ${algorithm} digest has ${length} hex digits, not ${hex.length}`, at + sep + 1);
}

function checkRegistry(registry: string, fail: Fail): void {
  let host = registry;
  const portAt = registry.startsWith('[') ? registry.indexOf(']:') + 1 : registry.lastIndexOf(':');
  if (portAt > 0) {
    host = registry.slice(0, portAt);
    const port = registry.slice(portAt + 1);
    if (!/^[0-9]+$/.test(port)) fail('a registry port is a number', portAt + 1);
  }
  if (host.startsWith('[')) {
    if (!IPV6_RE.test(host)) fail('an IPv6 registry address is written [hex:hex…]', 0);
    return;
  }
  let pos = 0;
  for (const part of host.split('.')) {
    if (!DOMAIN_COMPONENT_RE.test(part))
      fail(
        part === ''
          ? 'a registry host name has an empty label'
          : `"${part}" is not a host name label (letters, digits and inner "-")`,
        pos,
      );
    pos += part.length + 1;
  }
}

function checkPath(path: string, offset: number, fail: Fail): void {
  let pos = offset;
  for (const part of path.split('/')) {
    if (part === '') fail('a path component is empty (a doubled, leading or trailing "/")', pos);
    if (!PATH_COMPONENT_RE.test(part)) {
      const upper = part.search(/[A-Z]/);
      if (upper >= 0) fail('repository names must be lowercase', pos + upper);
      const bad = part.search(/[^a-z0-9._-]/);
      if (bad >= 0) fail(`"${part[bad]}" is not allowed in a repository name`, pos + bad);
      fail(
        `"${part}": a path component is lowercase letters and digits, separated by one ".", one or two "_", or "-"`,
        pos,
      );
    }
    pos += part.length + 1;
  }
}

const asRef = (ref: ImageReference | string): ImageReference => (typeof ref === 'string' ? parseReference(ref) : ref);

/** No registry: the first component has no `.` or `:` and is not `localhost` (Podman resolves such names). */
export function isShortName(ref: ImageReference | string): boolean {
  return asRef(ref).registry === undefined;
}

/** The reference as text: `[registry/]path[:tag][@digest]`. */
export function formatReference(ref: ImageReference): string {
  return `${repository(ref)}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}

/** `registry/path` (or `path` for a short name): the name without tag and digest. */
export function repository(ref: ImageReference | string): string {
  const r = asRef(ref);
  return r.registry === undefined ? r.path : `${r.registry}/${r.path}`;
}

/** The registry a login is kept under (`host[:port]`); undefined for a short name, which has none yet. */
export function registryOf(ref: ImageReference | string): string | undefined {
  return asRef(ref).registry;
}

/**
 * Pin `ref` to `digest`: the digest replaces any there was. The tag stays by default, for the reader: Podman
 * accepts `name:tag@digest` and pulls by the digest, ignoring the tag (containers/common's libimage strips it).
 */
export function withDigest(ref: ImageReference | string, digest: string, options: { keepTag?: boolean } = {}): string {
  const r = asRef(ref);
  checkDigest(digest, 0, (reason, position) => {
    throw new ImageReferenceError(digest, reason, position);
  });
  return formatReference({ ...r, tag: options.keepTag === false ? undefined : r.tag, digest });
}
