/**
 * The auth service: checks passwords (local argon2id or PAM), keeps sessions, API tokens and the first-run setup
 * token, and answers what role a principal holds where. No HTTP here (see hooks.ts and routes.ts).
 */
import { ConflictError, ForbiddenError, InvalidError, NotFoundError, UnauthorizedError } from '../../core/errors.js';
import { parseCompartmentId } from '../../core/ids.js';
import type { GrantRole, SessionRow, Store, User } from '../../store/index.js';
import type { Role } from '../types.js';
import { type BackoffOptions, LoginBackoff } from './backoff.js';
import type { PamAuthenticator } from './pam.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import { compartmentsAt, GLOBAL, type GrantLike, minRole, roleIn } from './roles.js';
import { randomId, randomSecret, safeEqual, sha256 } from './secrets.js';

export interface AuthOptions {
  /** Clock (tests inject one). */
  now?: () => Date;
  /** A session unused for this long ends (default 30 min). */
  idleTimeoutMs?: number;
  /** A session ends this long after login, used or not (default 12 h). */
  absoluteTimeoutMs?: number;
  /** PAM login for host users in the allowed groups; false: local accounts only. */
  pam?: PamAuthenticator | false;
  /** The global role a PAM user holds without explicit grants (default admin: the allowed groups are the
   * host's administrators); 'none': only explicit grants. */
  pamRole?: Role | 'none';
  backoff?: BackoffOptions;
  /** How often a session's last-use time is written (default 60 s; idle expiry is that much coarse). */
  touchIntervalMs?: number;
}

/** Who a request acts for, and what they may do. */
export interface Authz {
  username: string;
  kind: 'session' | 'token';
  /** The role held in `compartment`, or globally when it is undefined. */
  roleIn(compartment?: string): Role | undefined;
  /** The compartments visible at `role`: all, or the listed ones. */
  compartmentsAt(role: Role): 'all' | Set<string>;
}

export interface ResolvedSession {
  row: SessionRow;
  idHash: string;
  authz: Authz;
}

export interface NewSession {
  /** The cookie value: shown to the client only. */
  id: string;
  csrfToken: string;
  row: SessionRow;
}

export const TOKEN_PREFIX = 'qmt_';
const USERNAME_RE = /^[a-z_][a-z0-9_.-]{0,31}$/i;

export function parseUsername(u: string): string {
  if (!USERNAME_RE.test(u)) {
    throw new InvalidError('A user name is 1–32 letters, digits, `_`, `.` or `-`, starting with a letter or `_`.', {
      details: { username: u },
    });
  }
  return u;
}

/** A grant scope: `*` or a compartment id. */
export function parseScope(s: string | undefined): string {
  return s === undefined || s === GLOBAL ? GLOBAL : parseCompartmentId(s, 'compartment');
}

export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly statusCode = 429;
  constructor(readonly retryAfterMs: number) {
    super(`Too many failed logins; try again in ${Math.ceil(retryAfterMs / 1000)} s.`);
  }
}

export class AuthService {
  readonly idleTimeoutMs: number;
  readonly absoluteTimeoutMs: number;
  private readonly now: () => Date;
  private readonly backoff: LoginBackoff;
  private readonly touchIntervalMs: number;
  private setupTokenHash: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: AuthOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30 * 60_000;
    this.absoluteTimeoutMs = options.absoluteTimeoutMs ?? 12 * 60 * 60_000;
    this.touchIntervalMs = options.touchIntervalMs ?? 60_000;
    this.backoff = new LoginBackoff({ now: () => this.now().getTime(), ...options.backoff });
  }

  // ───────────────────────────────────────────── first run

  /** True while no user holds admin globally: the setup token may create one. */
  needsSetup(): boolean {
    return !this.store.grants.hasGlobalAdmin();
  }

  /** Makes a new one-time setup token (replacing any earlier one) when setup is needed; else undefined. */
  issueSetupToken(): string | undefined {
    if (!this.needsSetup()) {
      this.setupTokenHash = undefined;
      return undefined;
    }
    const token = randomSecret(24);
    this.setupTokenHash = sha256(token);
    return token;
  }

  /** Creates the first admin (a local account) when `token` is the setup token; the token is then spent. */
  async completeSetup(token: string, username: string, password: string): Promise<User> {
    if (!this.needsSetup()) throw new ConflictError('Setup is done: an administrator exists.');
    const expected = this.setupTokenHash;
    if (!expected || !safeEqual(sha256(token), expected)) throw new UnauthorizedError('The setup token is wrong.');
    parseUsername(username);
    checkPasswordPolicy(password);
    const passwordHash = await hashPassword(password);
    if (this.setupTokenHash !== expected) throw new UnauthorizedError('The setup token is wrong.');
    this.setupTokenHash = undefined;
    return this.store.transaction(() => {
      const existing = this.store.users.get(username);
      if (existing && existing.kind !== 'local') throw new ConflictError(`User '${username}' is not a local account.`);
      const user = existing ?? this.store.users.create({ username, kind: 'local', passwordHash });
      if (existing) this.store.users.setPasswordHash(username, passwordHash);
      this.store.grants.set(username, GLOBAL, 'admin');
      return user;
    });
  }

  // ───────────────────────────────────────────── local accounts

  async createLocalUser(username: string, password: string): Promise<User> {
    parseUsername(username);
    checkPasswordPolicy(password);
    return this.store.users.create({ username, kind: 'local', passwordHash: await hashPassword(password) });
  }

  /** Sets a local account's password and ends all its sessions except `keepSession` (a session id hash). */
  async setPassword(username: string, password: string, keepSession?: string): Promise<void> {
    const user = this.store.users.require(username);
    if (user.kind !== 'local') throw new InvalidError(`'${username}' is a PAM user: change the password on the host.`);
    checkPasswordPolicy(password);
    const h = await hashPassword(password);
    this.store.transaction(() => {
      this.store.users.setPasswordHash(username, h);
      this.store.sessions.deleteForUser(username, keepSession);
    });
  }

  async changeOwnPassword(username: string, current: string, next: string, keepSession?: string): Promise<void> {
    const user = this.store.users.require(username);
    if (user.kind !== 'local') throw new InvalidError(`'${username}' is a PAM user: change the password on the host.`);
    if (!(await verifyPassword(user.passwordHash, current))) throw new ForbiddenError('The current password is wrong.');
    await this.setPassword(username, next, keepSession);
  }

  // ───────────────────────────────────────────── login and sessions

  /**
   * Checks a user name and password; throws RateLimitedError while this user name at this address, or this
   * address as a whole, must wait (never for failures from elsewhere: see backoff.ts), and UnauthorizedError
   * (one message for every reason) when they do not match.
   */
  async checkLogin(username: string, password: string, address: string): Promise<User> {
    const wait = this.backoff.waitMs(username, address);
    if (wait > 0) throw new RateLimitedError(wait);
    const user = await this.passwordMatches(username, password, address);
    if (!user) {
      this.backoff.fail(username, address);
      throw new UnauthorizedError('Wrong user name or password.');
    }
    this.backoff.succeed(username, address);
    return user;
  }

  private async passwordMatches(username: string, password: string, address: string): Promise<User | undefined> {
    if (!USERNAME_RE.test(username) || password.length === 0 || password.length > 1024) {
      await verifyPassword(undefined, password.slice(0, 1024));
      return undefined;
    }
    const user = this.store.users.get(username);
    if (user?.kind === 'local') return (await verifyPassword(user.passwordHash, password)) ? user : undefined;
    const pam = this.options.pam;
    if (!pam) {
      await verifyPassword(undefined, password);
      return undefined;
    }
    if (!(await pam.authenticate(username, password, address))) return undefined;
    return this.store.users.ensurePam(username);
  }

  /** A new session (a new id every login: rotation). */
  createSession(username: string, address: string, userAgent: string): NewSession {
    const id = randomSecret();
    const csrfToken = randomSecret();
    const at = this.now().toISOString();
    const row: SessionRow = {
      idHash: sha256(id),
      username,
      csrfToken,
      createdAt: at,
      lastSeenAt: at,
      address,
      userAgent: userAgent.slice(0, 256),
    };
    this.store.sessions.create(row);
    return { id, csrfToken, row };
  }

  /** The live session a cookie names, or undefined (unknown, idle too long, or too old: then deleted). */
  resolveSession(id: string): ResolvedSession | undefined {
    if (id.length < 20 || id.length > 100) return undefined;
    const idHash = sha256(id);
    const row = this.store.sessions.get(idHash);
    if (!row) return undefined;
    const now = this.now().getTime();
    const idle = now - Date.parse(row.lastSeenAt);
    const age = now - Date.parse(row.createdAt);
    if (idle > this.idleTimeoutMs || age > this.absoluteTimeoutMs) {
      this.store.sessions.delete(idHash);
      return undefined;
    }
    if (idle >= this.touchIntervalMs) this.store.sessions.touch(idHash, new Date(now).toISOString());
    return { row, idHash, authz: this.sessionAuthz(row.username) };
  }

  endSession(idHash: string): void {
    this.store.sessions.delete(idHash);
  }

  /** Deletes expired sessions (called now and then). */
  pruneSessions(): number {
    const now = this.now().getTime();
    return this.store.sessions.prune(
      new Date(now - this.idleTimeoutMs).toISOString(),
      new Date(now - this.absoluteTimeoutMs).toISOString(),
    );
  }

  // ───────────────────────────────────────────── roles

  grantsOf(username: string): GrantLike[] {
    const user = this.store.users.get(username);
    if (!user) return [];
    const grants: GrantLike[] = this.store.grants
      .forUser(username)
      .map((g) => ({ compartment: g.compartment, role: g.role }));
    const pamRole = this.options.pamRole ?? 'admin';
    if (user.kind === 'pam' && pamRole !== 'none') grants.push({ compartment: GLOBAL, role: pamRole });
    return grants;
  }

  sessionAuthz(username: string): Authz {
    const grants = this.grantsOf(username);
    return {
      username,
      kind: 'session',
      roleIn: (c) => roleIn(grants, c),
      compartmentsAt: (r) => compartmentsAt(grants, r),
    };
  }

  // ───────────────────────────────────────────── API tokens

  /** A new API token for `username`: the returned secret is shown once and never stored. */
  createToken(input: { username: string; name: string; role: GrantRole; compartment?: string }): {
    token: string;
    id: string;
  } {
    this.store.users.require(input.username);
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw new InvalidError('A token name is 1–100 characters.');
    const id = randomId();
    const secret = randomSecret();
    this.store.tokens.create({
      id,
      name,
      username: input.username,
      secretHash: sha256(secret),
      role: input.role,
      compartment: parseScope(input.compartment),
      createdAt: this.now().toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    });
    return { id, token: `${TOKEN_PREFIX}${id}.${secret}` };
  }

  revokeToken(id: string): void {
    const t = this.store.tokens.get(id);
    if (!t) throw new NotFoundError(`There is no API token '${id}'.`);
    if (!t.revokedAt) this.store.tokens.revoke(id, this.now().toISOString());
    this.tokenMemo.clear();
  }

  /**
   * Resolved tokens, kept for TOKEN_MEMO_MS by the hash of the bearer value (never the secret itself): a script
   * polling the API would otherwise cost three store reads a request. A revocation through this service takes
   * effect at once; a change of the owner's grants or account within TOKEN_MEMO_MS.
   */
  private readonly tokenMemo = new Map<string, { authz: Authz; until: number }>();

  /** Drops every remembered token resolution (after accounts, grants or tokens changed). */
  forgetTokens(): void {
    this.tokenMemo.clear();
  }

  /** The principal a bearer token stands for, or undefined (malformed, unknown, wrong secret, revoked). */
  resolveToken(bearer: string): Authz | undefined {
    const key = sha256(bearer);
    const at = this.now().getTime();
    const memo = this.tokenMemo.get(key);
    if (memo && memo.until > at) return memo.authz;
    const authz = this.resolveTokenUncached(bearer);
    if (this.tokenMemo.size >= 1_000) this.tokenMemo.clear();
    if (authz) this.tokenMemo.set(key, { authz, until: at + TOKEN_MEMO_MS });
    else this.tokenMemo.delete(key);
    return authz;
  }

  private resolveTokenUncached(bearer: string): Authz | undefined {
    if (!bearer.startsWith(TOKEN_PREFIX) || bearer.length > 200) return undefined;
    const dot = bearer.indexOf('.', TOKEN_PREFIX.length);
    if (dot < 0) return undefined;
    const id = bearer.slice(TOKEN_PREFIX.length, dot);
    const row = this.store.tokens.get(id);
    if (!row || row.revokedAt || !safeEqual(sha256(bearer.slice(dot + 1)), row.secretHash)) return undefined;
    const at = this.now();
    if (!row.lastUsedAt || at.getTime() - Date.parse(row.lastUsedAt) >= this.touchIntervalMs) {
      this.store.tokens.touch(id, at.toISOString());
    }
    const own = this.sessionAuthz(row.username);
    const tokenGrants: GrantLike[] = [{ compartment: row.compartment, role: row.role }];
    return {
      username: row.username,
      kind: 'token',
      roleIn: (c) => minRole(roleIn(tokenGrants, c), own.roleIn(c)),
      compartmentsAt: (r) => intersect(compartmentsAt(tokenGrants, r), own.compartmentsAt(r)),
    };
  }
}

/** How long a resolved API token is reused before the store is read again. */
export const TOKEN_MEMO_MS = 1_000;

function intersect(a: 'all' | Set<string>, b: 'all' | Set<string>): 'all' | Set<string> {
  if (a === 'all') return b;
  if (b === 'all') return a;
  return new Set([...a].filter((x) => b.has(x)));
}
