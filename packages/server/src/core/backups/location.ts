/**
 * Where a compartment's restic repository lives: a folder on this host, a folder on another host over SFTP
 * (OpenSSH), a restic REST server, or an S3-compatible object store. The location is operator input that ends up in restic's argv and in the ssh command restic runs, so
 * it is checked strictly here: no whitespace or control characters anywhere, no user or host that could be read
 * as an option (`-oProxyCommand=…`), a port in range.
 *
 * Accepted forms (restic's own):
 * - `/srv/backups/blog` — a local folder (absolute, without `.` or `..` segments);
 * - `sftp:USER@HOST:PATH` — SFTP on port 22; PATH absolute, or relative to USER's home on HOST;
 * - `sftp://USER@HOST[:PORT]/PATH` — SFTP on PORT; `//srv/x` is the absolute /srv/x, `/x` is x in the home;
 * - `rest:http[s]://HOST[:PORT]/[PATH]` — a REST server (restic's rest-server, `rclone serve restic`);
 * - `s3:https://HOST[:PORT]/BUCKET[/PATH]` — an S3-compatible store (`s3:http://…` for one without TLS).
 * A REST or S3 location never holds credentials (`user:password@` is refused): they are given apart
 * (RepositoryCredentials) and kept in files of the compartment's own (host/restic.ts), never in argv.
 */
import { InvalidError } from '../errors.js';

export type RepositoryLocation =
  | { kind: 'local'; path: string }
  | { kind: 'sftp'; user: string; host: string; port: number; path: string }
  /** url: `http[s]://HOST[:PORT]/PATH` as restic takes it after `rest:` / `s3:`. */
  | { kind: 'rest'; url: string }
  | { kind: 's3'; url: string; bucket: string };

/** The user (a REST server's; an S3 access key id) and its secret (password; secret access key). */
export interface RepositoryCredentials {
  user: string;
  secret: string;
}

const USER = /^[a-z_][a-z0-9_.-]{0,31}$/i;
// a DNS name or IPv4 address, or an IPv6 address in brackets
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])$/i;

/** Parses a repository location; throws RangeError with a message that says what is wrong. */
export function parseRepositoryLocation(raw: string): RepositoryLocation {
  const s = raw.trim();
  if (s === '') throw new RangeError('is empty');
  if (s.length > 1024) throw new RangeError('is longer than 1024 characters');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\s\u0000-\u001f\u007f]/.test(s)) throw new RangeError('must not contain spaces or control characters');
  if (s.startsWith('/')) return { kind: 'local', path: checkPath(s, 'the folder') };
  const url = /^sftp:\/\/([^@/]+)@([^/]+?)(?::(\d+))?(\/.*)$/.exec(s);
  if (url) {
    const [, user, host, port, rest] = url as unknown as [string, string, string, string | undefined, string];
    // restic: sftp://u@h/x is x in the home, sftp://u@h//srv/x is /srv/x: the path is what follows the first /
    return sftp(user, host, port === undefined ? 22 : Number(port), rest.slice(1));
  }
  const short = /^sftp:([^@/]+)@(\[[^\]]+\]|[^:/]+):(.+)$/.exec(s);
  if (short) {
    const [, user, host, path] = short as unknown as [string, string, string, string];
    return sftp(user, host, 22, path);
  }
  const web = /^(rest|s3):(.*)$/.exec(s);
  if (web) return webLocation(web[1] as 'rest' | 's3', web[2]!);
  if (/^(b2|azure|gs|swift|rclone):/.test(s))
    throw new RangeError(`${s.split(':')[0]} repositories are not supported: use a folder, sftp:, rest: or s3:`);
  throw new RangeError(
    'must be an absolute folder (/srv/backups/x), sftp:USER@HOST:PATH, sftp://USER@HOST:PORT/PATH, ' +
      'rest:https://HOST:PORT/PATH or s3:https://HOST/BUCKET/PATH',
  );
}

function webLocation(kind: 'rest' | 's3', rest: string): RepositoryLocation {
  const m = /^(https?):\/\/([^/?#]*)(\/[^?#]*)?$/.exec(rest);
  if (!m) throw new RangeError(`write ${kind}:https://HOST[:PORT]/${kind === 's3' ? 'BUCKET[/PATH]' : 'PATH'}`);
  const [, scheme, authority, path = '/'] = m as unknown as [string, string, string, string | undefined];
  if (authority.includes('@'))
    throw new RangeError('must not hold a user or password (user:password@): give them as the credentials');
  const hp = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d+))?$/i.exec(authority);
  if (!hp || !HOST.test(hp[1]!))
    throw new RangeError(`the host ${JSON.stringify(authority)} is not a host name or address`);
  if (hp[2] !== undefined && (Number(hp[2]) < 1 || Number(hp[2]) > 65535))
    throw new RangeError(`the port ${hp[2]} is not 1..65535`);
  const segments = path.split('/').slice(1);
  if (segments.some((p) => p === '.' || p === '..')) throw new RangeError('the path must not hold . or .. segments');
  if (/%/.test(path)) throw new RangeError('the path must not hold % escapes');
  const clean = path.replace(/\/+$/, '');
  const url = `${scheme}://${authority}${clean === '' ? '/' : clean}`;
  if (kind === 'rest') return { kind, url };
  const bucket = segments[0] ?? '';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new RangeError(
      `names no bucket: write s3:${scheme}://${authority}/BUCKET[/PATH] (a bucket: 3–63 of a-z 0-9 . -)`,
    );
  return { kind, url, bucket };
}

/**
 * Checks credentials for a REST or S3 location (RangeError saying which part is wrong): a user without `:` (it
 * goes into a URL's user part) and a secret, each 1..256 printable characters without spaces.
 */
export function checkCredentials(c: RepositoryCredentials): RepositoryCredentials {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  const bad = /[\s\u0000-\u001f\u007f]/;
  if (c.user === '' || c.user.length > 256 || bad.test(c.user) || c.user.includes(':'))
    throw new RangeError('user: 1 to 256 characters, no spaces, control characters or ":"');
  if (c.secret === '' || c.secret.length > 256 || bad.test(c.secret))
    throw new RangeError('secret: 1 to 256 characters, no spaces or control characters');
  return c;
}

/**
 * A location and its credentials as someone gave them (a form, the CLI): the location parsed, the credentials
 * checked and allowed only where the kind takes them (REST, S3; S3 needs them). InvalidError naming the field
 * (`field`, or `credentials`) with what is wrong.
 */
export function parseRepositoryInput(
  location: string,
  credentials: RepositoryCredentials | undefined,
  field = 'location',
): RepositoryLocation {
  const invalid = (path: string, message: string) =>
    new InvalidError(`${path}: ${message}`, { details: { issues: [{ path, message }] } });
  let parsed: RepositoryLocation;
  try {
    parsed = parseRepositoryLocation(location);
  } catch (e) {
    throw invalid(field, (e as Error).message);
  }
  const web = parsed.kind === 'rest' || parsed.kind === 's3';
  if (credentials && !web) throw invalid('credentials', 'only a rest: or s3: location takes credentials');
  if (parsed.kind === 's3' && !credentials)
    throw invalid('credentials', 'an s3: location needs the access key id and secret access key');
  if (credentials) {
    try {
      checkCredentials(credentials);
    } catch (e) {
      throw invalid('credentials', (e as Error).message);
    }
    // the AWS credentials file is INI: a # or ; would start a comment, a quote would end the value
    if (parsed.kind === 's3' && /[#;"'`]/.test(credentials.user + credentials.secret))
      throw invalid('credentials', 'an S3 access key id or secret has no #, ;, quotes or backticks');
  }
  return parsed;
}

function sftp(user: string, host: string, port: number, path: string): RepositoryLocation {
  if (!USER.test(user)) throw new RangeError(`the user ${JSON.stringify(user)} is not a user name`);
  if (!HOST.test(host)) throw new RangeError(`the host ${JSON.stringify(host)} is not a host name or address`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`the port ${port} is not 1..65535`);
  if (path === '') throw new RangeError('names no folder on the remote host');
  return { kind: 'sftp', user, host, port, path: checkPath(path, 'the remote folder') };
}

function checkPath(path: string, what: string): string {
  if (path.startsWith('-')) throw new RangeError(`${what} must not start with "-"`);
  const segments = path.split('/');
  if (segments.some((p) => p === '.' || p === '..')) throw new RangeError(`${what} must not hold . or .. segments`);
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/**
 * The location as restic's `--repo` (sftp: the port is given to ssh, not in the URL). A REST location with
 * credentials carries them in the URL's user part (encoded): that string goes only into a file of the compartment's
 * own, given to restic as `--repository-file`.
 */
export function resticRepo(l: RepositoryLocation, credentials?: RepositoryCredentials): string {
  switch (l.kind) {
    case 'local':
      return l.path;
    case 'sftp':
      return `sftp:${l.user}@${l.host}:${l.path}`;
    case 's3':
      return `s3:${l.url}`;
    case 'rest': {
      if (!credentials) return `rest:${l.url}`;
      const auth = `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.secret)}@`;
      return `rest:${l.url.replace('://', `://${auth}`)}`;
    }
  }
}

/** The AWS credentials file restic's S3 back end reads (AWS_SHARED_CREDENTIALS_FILE), for the `default` profile. */
export function s3CredentialsFile(c: RepositoryCredentials): string {
  return `[default]\naws_access_key_id = ${c.user}\naws_secret_access_key = ${c.secret}\n`;
}

/** The host ssh-keyscan and known_hosts name: `host`, or `[host]:port` off port 22. */
export function knownHostName(l: Extract<RepositoryLocation, { kind: 'sftp' }>): string {
  const bare = l.host.replace(/^\[|\]$/g, '');
  return l.port === 22 ? bare : `[${bare}]:${l.port}`;
}
