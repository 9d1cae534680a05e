// The loopback guard on the host: an nftables table of quadletman's own (`inet quadletman`) whose output chain
// refuses a connection over the loopback interface to a guarded port unless the connecting socket belongs to root
// or to one of the users allowed on that port (core/edge/guard.ts says who). Pasta and rootlessport connect on a
// container's behalf with its compartment user's sockets, and Caddy with the edge's, so the owner is who asks.
// Changes on the machine: that table only, replaced whole in one nft transaction. Needs root (CAP_NET_ADMIN): the
// helper runs it for an unprivileged server.
import type { GuardedPort } from '../core/edge/guard.js';
import { ForbiddenError, InvalidError } from '../core/errors.js';
import { compartmentUser, parseCompartmentId } from '../core/ids.js';
import { EDGE_USER } from './edge-unit.js';
import type { Exec } from './exec.js';
import { COMPARTMENT_GECOS, type PasswdEntry } from './users.js';

export const GUARD_TABLE = 'quadletman';
const CHAIN = 'loopback';

/** The nft script that replaces the guard with these ports (each with the uids that may connect, root added). */
export function guardScript(ports: readonly { port: number; uids: readonly number[] }[]): string {
  const lines = [
    // create-then-delete makes the deletion succeed whether the table existed or not; all in one transaction
    `table inet ${GUARD_TABLE}`,
    `delete table inet ${GUARD_TABLE}`,
    `table inet ${GUARD_TABLE} {`,
    `  chain ${CHAIN} {`,
    '    type filter hook output priority filter; policy accept;',
  ];
  for (const p of ports) {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) throw new InvalidError(`not a port: ${p.port}`);
    const uids = [...new Set([0, ...p.uids])].sort((a, b) => a - b);
    if (uids.some((u) => !Number.isInteger(u) || u < 0 || u > 0xfffffffe)) throw new InvalidError('not a uid');
    lines.push(
      `    oifname "lo" tcp dport ${p.port} meta skuid != { ${uids.join(', ')} } counter reject with tcp reset`,
    );
  }
  lines.push('  }', '}', '');
  return lines.join('\n');
}

export interface GuardUsers {
  lookup(name: string): Promise<PasswdEntry | undefined>;
}

export class LoopbackGuard {
  constructor(
    private readonly exec: Exec,
    private readonly users: GuardUsers,
  ) {}

  /** The uids of the guarded ports' users: compartment users only when they carry the compartment marker; a
   * compartment without a user (not made yet, or deleted) and a missing edge user add none. */
  async resolve(ports: readonly GuardedPort[]): Promise<{ port: number; uids: number[] }[]> {
    const cache = new Map<string, number | undefined>();
    const uidOf = async (name: string, compartment: boolean) => {
      if (!cache.has(name)) {
        const pw = await this.users.lookup(name);
        if (pw && compartment && (pw.gecos !== COMPARTMENT_GECOS || pw.uid === 0)) {
          throw new ForbiddenError(`${name} is not a quadletman compartment user`);
        }
        cache.set(name, pw?.uid);
      }
      return cache.get(name);
    };
    const out: { port: number; uids: number[] }[] = [];
    for (const p of ports) {
      const uids: number[] = [];
      for (const c of p.compartments) {
        const uid = await uidOf(compartmentUser(parseCompartmentId(c, 'guard')), true);
        if (uid !== undefined) uids.push(uid);
      }
      if (p.edge) {
        const uid = await uidOf(EDGE_USER, false);
        if (uid !== undefined) uids.push(uid);
      }
      out.push({ port: p.port, uids });
    }
    return out;
  }

  /** Loads the guard for these ports (an empty list removes the table). */
  async apply(ports: readonly GuardedPort[]): Promise<void> {
    if (ports.length === 0) return this.clear();
    await this.exec.run(['nft', '-f', '-'], { input: guardScript(await this.resolve(ports)) });
  }

  async clear(): Promise<void> {
    await this.exec.run(['nft', '-f', '-'], {
      input: `table inet ${GUARD_TABLE}\ndelete table inet ${GUARD_TABLE}\n`,
    });
  }

  /** The guard's rules as the host has them (`nft list table`), or undefined when there is none. */
  async list(): Promise<string | undefined> {
    const r = await this.exec.run(['nft', 'list', 'table', 'inet', GUARD_TABLE], { expectCodes: [0, 1] });
    return r.code === 0 ? r.stdout : undefined;
  }
}
