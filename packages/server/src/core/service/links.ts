/**
 * Connections between compartments, and the loopback guard that enforces them: the guard's desired rules are
 * derived from the store (every compartment's routes, provided services and uses: core/edge/guard.ts) and loaded
 * whole. An apply loads them with its compartment's new routes and links before its units start (GuardPort for
 * the apply engine), and `sync` loads them again when the host runs other ones (a reboot, a flushed table) or
 * when the store changed (a compartment deleted), while no apply runs.
 */
import type { GuardPort } from '../apply/ports.js';
import { type GuardedPort, guardedPorts, guardKey } from '../edge/guard.js';
import type { HeldProvide, HeldUse } from '../edge/link-ports.js';
import type { HeldRoute } from '../edge/ports.js';
import type { ProvideSpec, UseSpec } from '../spec-links.js';
import type { RouteSpec } from '../spec-routes.js';
import { everyInterval } from './rounds.js';

export interface LinkStorePort {
  allRoutes(): HeldRoute[];
  allProvides(): HeldProvide[];
  allUses(): HeldUse[];
}

export interface GuardHostPort {
  /** Replaces the host's guard with these ports. */
  apply(ports: readonly GuardedPort[]): Promise<void>;
}

export interface LinkServiceDeps {
  store: LinkStorePort;
  /** The host's guard; undefined where this quadletman cannot load one (then connections are refused at plan). */
  guard?: GuardHostPort;
  /** Whether an apply runs now: `sync` leaves the guard alone meanwhile. */
  busy?: () => Promise<boolean>;
}

export interface Connection {
  provider: string;
  service: string;
  to: string;
  port: number | null;
  consumers: { compartment: string; as: string }[];
}

export interface CompartmentLinks {
  routes: readonly RouteSpec[];
  provides: readonly ProvideSpec[];
  uses: readonly UseSpec[];
}

export class LinkService implements GuardPort {
  /** The guard the host was last given (its key), undefined before the first load. */
  private loaded: string | undefined;
  private loadedAt = 0;

  constructor(private readonly deps: LinkServiceDeps) {}

  get enforced(): boolean {
    return this.deps.guard !== undefined;
  }

  /** The guarded ports: every compartment's as stored, but `compartment`'s replaced by `override`. */
  desired(override?: { compartment: string } & CompartmentLinks): GuardedPort[] {
    const s = this.deps.store;
    const other = <T extends { compartment: string }>(x: T) => x.compartment !== override?.compartment;
    const c = override?.compartment ?? '';
    return guardedPorts({
      routes: [...s.allRoutes().filter(other), ...(override?.routes ?? []).map((r) => ({ ...r, compartment: c }))],
      provides: [
        ...s.allProvides().filter(other),
        ...(override?.provides ?? []).map((p) => ({ ...p, compartment: c })),
      ],
      uses: [
        ...s.allUses().filter((u) => u.consumer !== override?.compartment),
        ...(override?.uses ?? []).map((u) => ({
          consumer: c,
          compartment: u.compartment,
          service: u.service,
          as: u.as,
        })),
      ],
    });
  }

  private async load(ports: GuardedPort[]): Promise<void> {
    if (!this.deps.guard)
      throw new Error('this quadletman has no loopback guard (nftables through root or the helper)');
    await this.deps.guard.apply(ports);
    this.loaded = guardKey(ports);
    this.loadedAt = Date.now();
  }

  /** Loads the guard with the compartment's routes and links as an apply leaves them. */
  async publish(compartment: string, links: CompartmentLinks): Promise<void> {
    await this.load(this.desired({ compartment, ...links }));
  }

  /** Loads the guard from the store when it changed, or every `refreshMs` (the host may have lost it). */
  async sync(refreshMs = 60_000): Promise<'loaded' | 'in-sync' | 'busy' | 'none'> {
    if (!this.deps.guard) return 'none';
    const want = this.desired();
    if (this.loaded === guardKey(want) && Date.now() - this.loadedAt < refreshMs) return 'in-sync';
    if (want.length === 0 && this.loaded === undefined) {
      // nothing to guard since this process started: remove a guard a previous run left, if the host can
      await this.deps.guard.apply([]).catch(() => undefined);
      this.loaded = guardKey(want);
      this.loadedAt = Date.now();
      return 'loaded';
    }
    if (want.length === 0 && this.loaded === guardKey(want)) return 'in-sync';
    if (await this.deps.busy?.()) return 'busy';
    await this.load(want);
    return 'loaded';
  }

  /** Runs `sync` every `intervalMs`; says what failed through `log`. Resolves the returned stop when the round in
   * flight ended. */
  keep(intervalMs: number, log: (message: string) => void): () => Promise<void> {
    let failing = false;
    const round = async () => {
      try {
        await this.sync();
        if (failing) log('guard: the loopback guard is loaded again');
        failing = false;
      } catch (e) {
        if (!failing) log(`guard: loading the loopback guard failed: ${(e as Error).message}`);
        failing = true;
      }
    };
    return everyInterval(intervalMs, round);
  }

  /** Every provided service with who uses it (all, or those `visible` says a user may see). */
  connections(visible: (compartment: string) => boolean = () => true): Connection[] {
    const uses = this.deps.store.allUses();
    return this.deps.store
      .allProvides()
      .filter((p) => visible(p.compartment) || uses.some((u) => u.compartment === p.compartment && visible(u.consumer)))
      .map((p) => ({
        provider: p.compartment,
        service: p.service,
        to: p.to,
        port: p.port ?? null,
        consumers: uses
          .filter((u) => u.compartment === p.compartment && u.service === p.service)
          .map((u) => ({ compartment: u.consumer, as: u.as })),
      }));
  }
}
