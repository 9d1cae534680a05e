/**
 * Where a compartment's restic repository lives: a folder on this host, or a folder on another host over SFTP
 * (OpenSSH). The location is operator input that ends up in restic's argv and in the ssh command restic runs, so
 * it is checked strictly here: no whitespace or control characters anywhere, no user or host that could be read
 * as an option (`-oProxyCommand=…`), a port in range.
 *
 * Accepted forms (restic's own):
 * - `/srv/backups/blog` — a local folder (absolute, without `.` or `..` segments);
 * - `sftp:USER@HOST:PATH` — SFTP on port 22; PATH absolute, or relative to USER's home on HOST;
 * - `sftp://USER@HOST[:PORT]/PATH` — SFTP on PORT; `//srv/x` is the absolute /srv/x, `/x` is x in the home.
 */

export type RepositoryLocation =
  | { kind: 'local'; path: string }
  | { kind: 'sftp'; user: string; host: string; port: number; path: string };

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
  if (/^(rest|s3|b2|azure|gs|swift|rclone):/.test(s))
    throw new RangeError(`${s.split(':')[0]} repositories are not supported yet: use a folder or sftp:USER@HOST:PATH`);
  throw new RangeError(
    'must be an absolute folder (/srv/backups/x) or sftp:USER@HOST:PATH or sftp://USER@HOST:PORT/PATH',
  );
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

/** The location as restic's `--repo` (sftp: the port is given to ssh, not in the URL). */
export function resticRepo(l: RepositoryLocation): string {
  return l.kind === 'local' ? l.path : `sftp:${l.user}@${l.host}:${l.path}`;
}

/** The host ssh-keyscan and known_hosts name: `host`, or `[host]:port` off port 22. */
export function knownHostName(l: Extract<RepositoryLocation, { kind: 'sftp' }>): string {
  const bare = l.host.replace(/^\[|\]$/g, '');
  return l.port === 22 ? bare : `[${bare}]:${l.port}`;
}
