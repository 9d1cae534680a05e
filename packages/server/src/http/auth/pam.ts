/**
 * PAM login for host users. Changes on the machine: writes `/etc/pam.d/quadletman` when it is missing (atomic,
 * through host/fs); reads group membership with `id -Gn`; asks PAM (service `quadletman`) to check passwords.
 * Only members of the configured groups may log in this way.
 */
import { createRequire } from 'node:module';
import type { Exec } from '../../host/exec.js';
import { pathExists, writeSystemFileAtomic } from '../../host/fs.js';

export const PAM_SERVICE = 'quadletman';
export const PAM_FILE = `/etc/pam.d/${PAM_SERVICE}`;
export const DEFAULT_PAM_GROUPS = ['sudo', 'wheel'] as const;

/** The service file: Debian's common-* stacks when present, else the system-auth stack (Fedora, Arch). */
export function pamServiceText(debianStyle: boolean): string {
  const head = '# quadletman: web login for host users (written by quadletman; edit freely, it is kept)\n';
  return debianStyle
    ? `${head}auth     include common-auth\naccount  include common-account\n`
    : `${head}auth     include system-auth\naccount  include system-auth\n`;
}

/** Writes /etc/pam.d/quadletman when it is missing; returns true when it wrote it. */
export async function ensurePamService(file = PAM_FILE): Promise<boolean> {
  if (await pathExists(file)) return false;
  const debian = await pathExists('/etc/pam.d/common-auth');
  await writeSystemFileAtomic(file, pamServiceText(debian), 0o644);
  return true;
}

type PamModule = {
  authenticate(
    user: string,
    password: string,
    cb: (err?: string | Error | null) => void,
    options?: { serviceName?: string; remoteHost?: string },
  ): void;
};

let pamModule: PamModule | null | undefined;

function loadPam(): PamModule | null {
  if (pamModule === undefined) {
    try {
      pamModule = createRequire(import.meta.url)('authenticate-pam') as PamModule;
    } catch {
      pamModule = null;
    }
  }
  return pamModule;
}

export interface PamAuthenticator {
  /** True when PAM accepts the password and the user is in an allowed group. */
  authenticate(username: string, password: string, remoteHost: string): Promise<boolean>;
}

/** A user name PAM and `id` may be asked about: a portable POSIX name, nothing an option parser could eat. */
export const isPlausibleUnixName = (u: string): boolean => /^[a-z_][a-z0-9_.-]{0,31}$/i.test(u);

export class HostPam implements PamAuthenticator {
  constructor(
    private readonly exec: Exec,
    private readonly groups: readonly string[] = DEFAULT_PAM_GROUPS,
    private readonly service = PAM_SERVICE,
  ) {}

  async groupsOf(username: string): Promise<string[]> {
    const r = await this.exec.run(['id', '-Gn', '--', username], { expectCodes: [0, 1], timeoutMs: 5000 });
    return r.code === 0 ? r.stdout.trim().split(/\s+/) : [];
  }

  async inAllowedGroup(username: string): Promise<boolean> {
    const groups = await this.groupsOf(username);
    return groups.some((g) => this.groups.includes(g));
  }

  async authenticate(username: string, password: string, remoteHost: string): Promise<boolean> {
    if (!isPlausibleUnixName(username) || username === 'root') return false;
    const pam = loadPam();
    if (!pam) return false;
    const ok = await new Promise<boolean>((resolve) => {
      pam.authenticate(username, password, (err) => resolve(!err), { serviceName: this.service, remoteHost });
    });
    return ok && (await this.inAllowedGroup(username));
  }
}
