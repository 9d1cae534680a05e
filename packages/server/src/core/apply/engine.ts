/**
 * The apply engine: makes a compartment's host match a rendered set of files, so that either everything ends
 * up running as declared or the host is back where it was.
 *
 * One apply, under the compartment's lock:
 *   plan (rendered vs. on disk) → lint + the real generator's dry run (any error: stop, change nothing) →
 *   pull the images the changed units need, as the compartment user (a failed pull: stop, change nothing; the
 *   running units keep serving meanwhile, and their start later needs no network) → record the revision and what the host had, durably → stop units the set no longer has → write files
 *   atomically → one daemon-reload → restart/start the affected units in one call → wait until they are
 *   active and stay so → run the verify probes → done.
 * Any failure after the host was touched rolls back: the apply's new units stop, the previous files return,
 * systemd reloads and the previous units start again; the revision records why. An apply interrupted by a
 * crash is rolled back by `recover()` when quadletman starts again.
 */
import type { FileReport } from '@quadletman/quadlet';
import { unitImages } from '../images/unit-images.js';
import { QUADLET_DIR, SYSTEMD_USER_DIR } from '../layout.js';
import { lintRendered } from '../lint.js';
import { plan as makePlan, type Plan, serviceOf } from '../plan.js';
import type { HostVolume } from '../render.js';
import type { ProbeSpec, RouteSpec } from '../spec.js';
import { linkChanges, type ProvideSpec, type UseSpec } from '../spec-links.js';
import { describeRoute, routeChanges } from '../spec-routes.js';

type LinkSet = { provides: readonly ProvideSpec[]; uses: readonly UseSpec[] };

import { type GateUnit, gateUnitOf, healthGate } from './health-gate.js';
import type {
  ApplyLocks,
  CompartmentHost,
  DryRunVerdict,
  EdgePort,
  FileSet,
  GuardPort,
  ImageIdentity,
  PendingApply,
  RevisionResult,
  RevisionStore,
  UnitStatus,
} from './ports.js';
import { type ImagePull, imagesToPull, isLocalImage, shortImageNames } from './pull-plan.js';

export type ApplyStep =
  | 'plan'
  | 'validate'
  | 'pull'
  | 'guard'
  | 'write'
  | 'reload'
  | 'start'
  | 'verify'
  | 'route'
  | 'rollback'
  | 'done';

export interface ProgressEvent {
  step: ApplyStep;
  status: 'running' | 'ok' | 'failed' | 'skipped';
  message: string;
}

/** What to apply: the rendered files and what goes with them. */
export interface ApplyTarget {
  compartment: string;
  files: FileSet;
  hostVolumes: readonly HostVolume[];
  /** The container ids that have helper users (exactly these after the apply); undefined: left as they are. */
  helperIds?: readonly number[];
  probes: readonly ProbeSpec[];
  podmanVersion: string | null;
  /** The desired state this target was rendered from, kept with the revision (for history and roll back). */
  spec?: unknown;
  /** The compartment's routes through the edge: as this apply leaves them, and as applied before (what a roll
   * back loads again). Undefined: the apply leaves the edge alone. */
  routes?: { desired: readonly RouteSpec[]; applied: readonly RouteSpec[] };
  /** The compartment's provided services and uses: as this apply leaves them, and as applied before. */
  links?: { desired: LinkSet; applied: LinkSet };
}

export interface ApplyOptions {
  actor: string;
  onProgress?: (e: ProgressEvent) => void;
  /** Wait for a running apply of the same compartment to finish (default) or refuse at once. */
  wait?: boolean;
  /** A message recorded with the revision (e.g. "roll back to revision 3"). */
  message?: string;
}

export type ApplyOutcome = 'applied' | 'noop' | 'refused' | 'rolled-back' | 'failed';

export interface ApplyResult {
  outcome: ApplyOutcome;
  /** The revision recorded, except for a no-op. */
  revision?: number;
  message: string;
  plan: Plan;
  /** Lint diagnostics of the rendered Quadlet files (always given when validation ran). */
  diagnostics: FileReport[];
  /** The Podman version they were linted against: the compartment's pinned one, else the host's; null when neither
   * is known (then the newest quadletman knows). */
  podmanVersion: string | null;
  dryRun: DryRunVerdict[];
  /** Unit states after the apply (or after the roll back). */
  units: UnitStatus[];
}

/** The version to lint against: the pinned one, else the host's Podman; null when neither is known. */
export async function lintVersion(host: CompartmentHost, pinned: string | null): Promise<string | null> {
  return pinned ?? (await host.podmanVersion().catch(() => undefined)) ?? null;
}

export interface EngineOptions {
  /** How long units must stay active after the restart call returned when the compartment has no verify
   * probes (default 500 ms; polled every pollMs). Quadlet services are Type=notify, so the call returns when
   * every container has started: the settle catches one that dies right after. With probes, the probes are
   * that check instead: the units are watched while the probes run and must all be active after them. */
  settleMs?: number;
  /** How long the verify probes may take in all before they count as failed. */
  verifyTimeoutMs?: number;
  /** Pause between probe attempts and between unit state polls. */
  pollMs?: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** The edge that serves compartments' routes; without it an apply that changes routes fails. */
  edge?: EdgePort;
  /** The loopback guard; without it an apply that changes connections between compartments fails, and one that
   * changes only routes leaves their ports unguarded. */
  guard?: GuardPort;
}

type Emit = (step: ApplyStep, status: ProgressEvent['status'], message: string) => void;
type ResultBase = Pick<ApplyResult, 'plan' | 'diagnostics' | 'podmanVersion' | 'dryRun'>;

const emitter =
  (options: ApplyOptions): Emit =>
  (step, status, message) =>
    options.onProgress?.({ step, status, message });

class ApplyFailure extends Error {
  override readonly name = 'ApplyFailure';
  constructor(
    readonly step: ApplyStep,
    message: string,
  ) {
    super(message);
  }
}

const QUADLET_PREFIX = `${QUADLET_DIR}/`;

export class ApplyEngine {
  private readonly settleMs: number;
  private readonly verifyTimeoutMs: number;
  private readonly pollMs: number;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly edge: EdgePort | undefined;
  private readonly guard: GuardPort | undefined;

  constructor(
    private readonly hostFor: (compartment: string) => Promise<CompartmentHost>,
    private readonly store: RevisionStore,
    private readonly locks: ApplyLocks,
    options: EngineOptions = {},
  ) {
    this.settleMs = options.settleMs ?? 500;
    this.verifyTimeoutMs = options.verifyTimeoutMs ?? 30_000;
    this.pollMs = options.pollMs ?? 200;
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.edge = options.edge;
    this.guard = options.guard;
  }

  /** What an apply of `target` would change, without changing anything. */
  async plan(target: ApplyTarget): Promise<{ plan: Plan; diagnostics: FileReport[]; podmanVersion: string | null }> {
    const host = await this.hostFor(target.compartment);
    const current = await host.readManaged();
    const p = withRouteChanges(planOf(target.files, current), target);
    const podmanVersion = await lintVersion(host, target.podmanVersion);
    const lint = lintRendered(target.files.files, { podmanVersion });
    return { plan: p, diagnostics: lint.reports, podmanVersion };
  }

  async apply(target: ApplyTarget, options: ApplyOptions): Promise<ApplyResult> {
    const release = await this.locks.acquire(target.compartment, options.wait ?? true);
    try {
      return await this.applyLocked(target, options);
    } finally {
      release();
    }
  }

  /**
   * Upgrades container units to the images `target` names for them (the same name pulled anew, another tag, or a
   * pinned digest), behind a health gate:
   *   lint + dry run when the files change → keep the image each unit runs now (its id, and a name of its own,
   *   `localhost/quadletman-previous/<unit>:previous`, until a prune of unused images) → pull every image anew
   *   (a failed pull: nothing changed) → nothing to do when every image and file is as before → record the
   *   revision → write the files that change, reload → restart the units under the health gate
   *   (health-gate.ts): healthy, and staying so for the settle window.
   * When the gate fails, the previous files come back and each name the pull moved points at the image it named
   * before (its id, still in storage: no network is needed), and the units restart on it.
   */
  async upgrade(target: ApplyTarget, request: UpgradeRequest, options: ApplyOptions): Promise<UpgradeResult> {
    const release = await this.locks.acquire(target.compartment, options.wait ?? true);
    try {
      return await this.upgradeLocked(target, request, options);
    } finally {
      release();
    }
  }

  private async upgradeLocked(
    target: ApplyTarget,
    request: UpgradeRequest,
    options: ApplyOptions,
  ): Promise<UpgradeResult> {
    const emit = emitter(options);
    const host = await this.hostFor(target.compartment);
    emit('plan', 'running', 'Comparing the rendered files with the files on disk');
    const current = await host.readManaged();
    const p = withRouteChanges(planOf(target.files, current), target);
    emit('plan', 'ok', describePlan(p));
    const checked = await this.validate(host, target, p, options, emit);
    if ('refused' in checked) return { ...checked.refused, images: [] };
    const base = checked.base;

    const wanted = new Set(request.units);
    const refsOf = (files: FileSet) =>
      new Map(
        unitImages(quadletFiles(files.files))
          .filter((n) => wanted.has(n.unit) && n.reason === 'container' && n.image !== undefined)
          .map((n) => [n.unit, n.image!]),
      );
    const beforeRefs = refsOf(current);
    const afterRefs = refsOf(target.files);
    const images: UpgradeImage[] = await Promise.all(
      [...afterRefs].map(async ([unit, image]): Promise<UpgradeImage> => {
        const previous = beforeRefs.get(unit);
        const before = previous ? await host.imageIdentity(previous).catch(() => undefined) : undefined;
        return { unit, image, ...(previous ? { previousImage: previous } : {}), ...(before ? { before } : {}) };
      }),
    );
    // the image each unit runs now keeps a name of its own until its next upgrade (or a prune of unused images):
    // a roll back later, by revision, finds it here too
    await Promise.all(
      images.map(async (i) => {
        if (i.before) await host.tagImage(i.before.id, previousImageName(i.unit)).catch(() => undefined);
      }),
    );

    const pulls = [...new Set(afterRefs.values())]
      .filter((image) => !isLocalImage(image))
      .map(
        (image): ImagePull => ({
          image,
          policy: 'always',
          units: images.filter((i) => i.image === image).map((i) => i.unit),
        }),
      );
    if (pulls.length > 0) {
      const failed = await this.pull(host, pulls, emit);
      if (failed) {
        const revision = this.recordRefusal(target, p, options, `refused: ${failed}`);
        return { ...base, outcome: 'refused', revision, message: `Nothing was changed: ${failed}.`, units: [], images };
      }
    }
    for (const i of images) {
      const after = await host.imageIdentity(i.image).catch(() => undefined);
      if (after) i.after = after;
    }
    const moved = images.filter((i) => i.before?.id !== i.after?.id);
    if (p.noop && moved.length === 0) {
      emit('done', 'ok', 'Every image is up to date');
      return { ...base, outcome: 'noop', message: 'Nothing to upgrade: every image is up to date.', units: [], images };
    }

    const services = images.map((i) => serviceOfFile(i.unit, target.files));
    const affected = [...new Set([...services, ...p.units.start, ...p.units.restart])];
    const number = this.store.nextRevision(target.compartment);
    const summary = describeUpgrade(images);
    const pending: PendingApply = {
      compartment: target.compartment,
      revision: number,
      phase: 'prepared',
      previous: current,
      units: {
        stop: p.units.stop,
        restart: [...new Set([...p.units.restart, ...services])],
        retag: retagsOf(moved),
      },
    };
    this.beginRevision(target, p, options, pending, `${options.message ?? 'upgrade'}: ${summary}`);
    const gateUnits = affected.map((unit) => gateUnitFor(unit, target.files));
    const gateOptions = {
      settleMs: request.settleMs ?? 5000,
      timeoutMs: request.healthTimeoutMs ?? 120_000,
      pollMs: Math.min(this.pollMs, 500),
      now: this.now,
      sleep: this.sleep,
    };
    let failure: { reason: string; at: Date };
    try {
      await this.step(
        emit,
        'write',
        `Writing ${p.changes.length} file${p.changes.length === 1 ? '' : 's'}`,
        async () => {
          if (p.units.stop.length > 0) await host.stopUnits(p.units.stop);
          if (target.helperIds) await host.syncHelperUsers(target.helperIds);
          await host.ensureHostVolumes(target.hostVolumes);
          if (!p.noop) await host.writeFiles(writesOf(target.files, p), removalsOf(p));
          this.store.setPhase(target.compartment, number, 'written');
        },
      );
      await this.step(emit, 'reload', 'Reloading systemd', async () => {
        if (p.reload) await host.daemonReload();
        this.store.setPhase(target.compartment, number, 'reloaded');
      });
      await host.resetFailed(affected).catch(() => undefined);
      this.store.setPhase(target.compartment, number, 'started');
      const settle = Math.round(gateOptions.settleMs / 100) / 10;
      emit('start', 'ok', `Restarting ${affected.join(', ')} under the health gate`);
      emit('verify', 'running', `Waiting for ${affected.join(', ')} to be healthy and stay so for ${settle} s`);
      const gate = await healthGate(host, gateUnits, target.probes, gateOptions, () => host.restartUnits(affected));
      if (gate.ok) {
        this.store.setPhase(target.compartment, number, 'verified');
        emit('verify', 'ok', `Healthy for ${settle} s`);
        this.store.finish(
          target.compartment,
          number,
          'applied',
          `${options.message ?? 'upgrade'}: ${summary}`,
          this.now(),
        );
        emit('done', 'ok', `Revision ${number} applied: ${summary}`);
        return {
          ...base,
          outcome: 'applied',
          revision: number,
          message: `Revision ${number} upgraded ${summary}.`,
          units: gate.statuses,
          images,
        };
      }
      emit('verify', 'failed', gate.reason);
      failure = gate;
    } catch (err) {
      failure = { reason: errorText(err), at: this.now() };
    }

    emit('rollback', 'running', `Rolling back: ${failure.reason}`);
    try {
      const back = planOf(current, await host.readManaged());
      if (p.units.start.length > 0) await host.stopUnits(p.units.start).catch(() => undefined);
      if (!back.noop) await host.writeFiles(writesOf(current, back), removalsOf(back));
      // a name the pull moved points at the image it named before: its id is still in storage
      for (const r of pending.units.retag ?? []) await host.tagImage(r.id, r.image);
      if (!back.noop) await host.daemonReload();
      const restore = [...new Set([...pending.units.restart, ...pending.units.stop])];
      await host.resetFailed(restore).catch(() => undefined);
      const up = await healthGate(
        host,
        restore.map((u) => gateUnitFor(u, current)),
        target.probes,
        {
          ...gateOptions,
          settleMs: 0,
        },
        () => host.restartUnits(restore),
      );
      if (!up.ok) throw new Error(`the previous units are not healthy again: ${up.reason}`);
      const restoredAt = this.now();
      const message = `${options.message ?? 'upgrade'} failed, rolled back: ${summary}: ${failure.reason}`;
      this.store.finish(target.compartment, number, 'rolled-back', message, restoredAt);
      emit('rollback', 'ok', 'The previous images and files are back and their units healthy');
      return {
        ...base,
        outcome: 'rolled-back',
        revision: number,
        message: `Upgrade failed and was rolled back: ${failure.reason}`,
        units: up.statuses,
        images,
        failedAt: failure.at,
        restoredAt,
      };
    } catch (rollbackErr) {
      const message = `upgrade failed (${failure.reason}), and the roll back failed too: ${errorText(rollbackErr)}`;
      this.store.finish(target.compartment, number, 'failed', message, this.now());
      emit('rollback', 'failed', message);
      return { ...base, outcome: 'failed', revision: number, message: `The ${message}`, units: [], images };
    }
  }

  /** Rolls back every apply that a crash interrupted. Call once at start, before serving. */
  async recover(): Promise<{ compartment: string; revision: number; ok: boolean; message: string }[]> {
    const out: { compartment: string; revision: number; ok: boolean; message: string }[] = [];
    for (const seen of this.store.pending()) {
      const release = await this.locks.acquire(seen.compartment, true);
      try {
        // A journal row may belong to an apply that is alive in another process (or this one): the lock waited
        // for it, and when it has finished its row is gone. Read the row again under the lock; never roll back
        // an apply that ended on its own.
        const pending = this.store
          .pending()
          .find((p) => p.compartment === seen.compartment && p.revision === seen.revision);
        if (!pending) continue;
        const host = await this.hostFor(pending.compartment);
        const back = planOf(pending.previous, await host.readManaged());
        const message = `interrupted while ${pending.phase}; rolled back to the files before revision ${pending.revision}`;
        try {
          await this.restore(host, pending, back.units.stop);
          this.store.finish(pending.compartment, pending.revision, 'rolled-back', message, this.now());
          out.push({ compartment: pending.compartment, revision: pending.revision, ok: true, message });
        } catch (err) {
          const why = `interrupted while ${pending.phase}, and the roll back failed: ${errorText(err)}`;
          this.store.finish(pending.compartment, pending.revision, 'failed', why, this.now());
          out.push({ compartment: pending.compartment, revision: pending.revision, ok: false, message: why });
        }
      } finally {
        release();
      }
    }
    return out;
  }

  private async applyLocked(target: ApplyTarget, options: ApplyOptions): Promise<ApplyResult> {
    const emit = emitter(options);
    const host = await this.hostFor(target.compartment);

    emit('plan', 'running', 'Comparing the rendered files with the files on disk');
    const current = await host.readManaged();
    const p = withRouteChanges(planOf(target.files, current), target);
    emit('plan', 'ok', describePlan(p));

    const checked = await this.validate(host, target, p, options, emit);
    if ('refused' in checked) return checked.refused;
    const base = checked.base;

    const routes =
      target.routes && !sameRoutes(target.routes.desired, target.routes.applied) ? target.routes : undefined;
    if (p.noop && !routes) {
      // no file changes, but the folders and helper users the state declares are made to match all the same
      if (target.helperIds) await host.syncHelperUsers(target.helperIds);
      await host.ensureHostVolumes(target.hostVolumes);
      emit('done', 'ok', 'Nothing to change');
      return { ...base, outcome: 'noop', message: 'Nothing to change: the host already matches.', units: [] };
    }

    const pulls = imagesToPull(quadletFiles(target.files.files), changedQuadletFiles(p));
    if (pulls.length > 0) {
      const failed = await this.pull(host, pulls, emit);
      if (failed) {
        const revision = this.recordRefusal(target, p, options, `refused: ${failed}`);
        return { ...base, outcome: 'refused', revision, message: `Nothing was changed: ${failed}.`, units: [] };
      }
    }

    const number = this.store.nextRevision(target.compartment);
    const pending: PendingApply = {
      compartment: target.compartment,
      revision: number,
      phase: 'prepared',
      previous: current,
      units: { stop: p.units.stop, restart: p.units.restart },
    };
    this.beginRevision(target, p, options, pending, options.message);

    const affected = [...p.units.start, ...p.units.restart];
    let settled: UnitStatus[] = [];
    let edgeTouched = false;
    const linksChanged = p.links !== undefined;
    const guarded = (routes !== undefined || linksChanged) && target.links !== undefined;
    let guardTouched = false;
    try {
      if (guarded) {
        // the consumers' units may connect as soon as they start: the guard lets them in first
        await this.step(emit, 'guard', 'Loading the loopback guard for the routes and connections', async () => {
          if (!this.guard) {
            if (linksChanged) throw new Error('the connections changed, but this quadletman has no loopback guard');
            return;
          }
          try {
            await this.guard.publish(target.compartment, {
              routes: target.routes?.desired ?? [],
              ...target.links!.desired,
            });
            // only a guard that loaded is loaded back on roll back: a failed load (one nft transaction) left the
            // one before in place, and a guard that still cannot be loaded must not fail the roll back
            guardTouched = true;
          } catch (e) {
            if (linksChanged) throw e;
            emit('guard', 'running', `The route ports stay unguarded: ${errorText(e)}`);
          }
        });
      }
      await this.step(
        emit,
        'write',
        `Writing ${p.changes.length} file${p.changes.length === 1 ? '' : 's'}`,
        async () => {
          if (p.units.stop.length > 0) await host.stopUnits(p.units.stop);
          const goneTimers = p.units.stop.filter(isUserUnitOf(current));
          if (goneTimers.length > 0) await host.disableUnits(goneTimers);
          if (target.helperIds) await host.syncHelperUsers(target.helperIds);
          await host.ensureHostVolumes(target.hostVolumes);
          await host.writeFiles(writesOf(target.files, p), removalsOf(p));
          this.store.setPhase(target.compartment, number, 'written');
        },
      );
      await this.step(emit, 'reload', 'Reloading systemd', async () => {
        if (p.reload) await host.daemonReload();
        const newTimers = p.units.start.filter(isUserUnitOf(target.files));
        if (newTimers.length > 0) await host.enableUnits(newTimers);
        this.store.setPhase(target.compartment, number, 'reloaded');
      });
      const settleMs = target.probes.length > 0 ? 0 : this.settleMs;
      // A `.build` unit's service is a one-shot that ends once the image is built (Podman before 5.5 gives it no
      // RemainAfterExit=): its start succeeding is all there is to check, so it is started but not watched.
      const builds = buildServices(target.files);
      const watched = affected.filter((u) => !builds.has(u));
      await this.step(emit, 'start', `Starting ${affected.join(', ') || 'nothing'}`, async () => {
        if (affected.length > 0) {
          settled = await this.startAndSettle(host, affected, p.units.restart, settleMs, watched);
        }
        this.store.setPhase(target.compartment, number, 'started');
      });
      await this.step(emit, 'verify', `Running ${target.probes.length} verify probe(s)`, async () => {
        const after = await this.verify(host, target.probes, watched);
        if (after) settled = after;
        if (!routes) this.store.setPhase(target.compartment, number, 'verified');
      });
      if (routes) {
        const n = routes.desired.length;
        await this.step(
          emit,
          'route',
          `Loading ${n} route${n === 1 ? '' : 's'} into the edge and requesting each`,
          () =>
            this.publishRoutes(target.compartment, routes.desired, () => {
              edgeTouched = true;
            }),
        );
        this.store.setPhase(target.compartment, number, 'verified');
      }
    } catch (err) {
      const why = errorText(err);
      emit('rollback', 'running', `Rolling back: ${why}`);
      try {
        if (edgeTouched && routes) await this.edge!.publish(target.compartment, routes.applied);
        if (guardTouched) {
          await this.guard!.publish(target.compartment, {
            routes: target.routes?.applied ?? [],
            ...target.links!.applied,
          });
        }
        await this.restore(host, pending, p.units.start);
        const message = `${options.message ? `${options.message}: ` : ''}failed, rolled back: ${why}`;
        this.store.finish(target.compartment, number, 'rolled-back', message, this.now());
        emit('rollback', 'ok', 'The previous files are back and their units running');
        const units = await host.unitStatuses([...p.units.restart, ...p.units.stop]);
        return {
          ...base,
          outcome: 'rolled-back',
          revision: number,
          message: `Apply failed and was rolled back: ${why}`,
          units,
        };
      } catch (rollbackErr) {
        const message = `failed (${why}), and the roll back failed too: ${errorText(rollbackErr)}`;
        this.store.finish(target.compartment, number, 'failed', message, this.now());
        emit('rollback', 'failed', message);
        return { ...base, outcome: 'failed', revision: number, message: `Apply ${message}`, units: [] };
      }
    }

    this.store.finish(target.compartment, number, 'applied', options.message ?? 'applied', this.now());
    emit('done', 'ok', `Revision ${number} applied`);
    // the states the settle saw last (all active), not one more `systemctl show`
    return { ...base, outcome: 'applied', revision: number, message: `Revision ${number} applied.`, units: settled };
  }

  /** Lint and the generator's dry run (and short image names) of the target: a refused result (recorded as a
   * revision) when they find errors, else what the result reports of them. */
  private async validate(
    host: CompartmentHost,
    target: ApplyTarget,
    p: Plan,
    options: ApplyOptions,
    emit: Emit,
  ): Promise<{ base: ResultBase } | { refused: ApplyResult }> {
    const podmanVersion = await lintVersion(host, target.podmanVersion);
    emit(
      'validate',
      'running',
      `Linting (against Podman ${podmanVersion ?? 'as new as quadletman knows'}) and running the Quadlet generator in dry-run mode`,
    );
    // Nothing to change: the files on disk are exactly these, and the generator accepted them when they were
    // written; its dry run (a process as the compartment user) would only repeat that verdict. Otherwise the
    // dry run's process runs while this one lints; its verdict counts only when the lint passes.
    const dryRunning = p.noop ? undefined : host.dryRun(quadletFiles(target.files.files));
    const lint = lintRendered(target.files.files, { podmanVersion });
    if (!lint.ok) await dryRunning?.catch(() => undefined);
    const dryRun = lint.ok && dryRunning ? await dryRunning : [];
    const base: ResultBase = { plan: p, diagnostics: lint.reports, podmanVersion, dryRun };
    const rejected = dryRun.filter((v) => !v.ok);
    const short = lint.ok && rejected.length === 0 && !p.noop ? await this.shortNames(host, target, p) : undefined;
    if (!lint.ok || rejected.length > 0 || short) {
      const why = !lint.ok
        ? `${lint.errors} lint error${lint.errors === 1 ? '' : 's'}: ${firstErrors(lint.reports)}`
        : short
          ? short
          : `the Quadlet generator rejects ${rejected.map((v) => `${v.file} (${v.reason})`).join(', ')}`;
      emit('validate', 'failed', why);
      const revision = this.recordRefusal(target, p, options, `refused: ${why}`);
      return { refused: { ...base, outcome: 'refused', revision, message: `Nothing was changed: ${why}.`, units: [] } };
    }
    emit(
      'validate',
      'ok',
      `${lint.warnings} warning${lint.warnings === 1 ? '' : 's'}; ${p.noop ? 'the files on disk already match' : 'the generator accepts every file'}`,
    );

    return { base };
  }

  private async step(emit: Emit, step: ApplyStep, message: string, fn: () => Promise<void>): Promise<void> {
    emit(step, 'running', message);
    try {
      await fn();
    } catch (err) {
      emit(step, 'failed', errorText(err));
      throw err instanceof ApplyFailure ? err : new ApplyFailure(step, `${step}: ${errorText(err)}`);
    }
    emit(step, 'ok', message);
  }

  /** Why the changed units' short image names are refused (with the full name the host would resolve each to),
   * or undefined when they name none. */
  private async shortNames(host: CompartmentHost, target: ApplyTarget, p: Plan): Promise<string | undefined> {
    const names = shortImageNames(quadletFiles(target.files.files), changedQuadletFiles(p));
    if (names.length === 0) return undefined;
    const each = await Promise.all(
      names.map(async (name) => {
        const full = await host.qualifyImage(name).catch(() => undefined);
        return full ? `'${name}' (use ${full})` : `'${name}' (name its registry: registry/name:tag)`;
      }),
    );
    return `short image names cannot be pulled unattended, which registry they come from depends on the host: ${each.join(', ')}`;
  }

  /**
   * Pulls what the units will need before anything stops: an image their start would pull (Podman's policy
   * says so, or it is missing) is pulled now, side by side, so that a slow or failing pull never runs inside
   * a start job (and its timeout) while the old containers are already down. Returns why it failed, or
   * undefined.
   */
  private async pull(host: CompartmentHost, pulls: readonly ImagePull[], emit: Emit): Promise<string | undefined> {
    emit(
      'pull',
      'running',
      `Checking ${pulls.length} image${pulls.length === 1 ? '' : 's'}: ${pulls.map((x) => x.image).join(', ')}`,
    );
    const results = await Promise.all(
      pulls.map(async ({ image, policy }): Promise<{ image: string; pulled: boolean; error?: string }> => {
        try {
          if (policy === 'missing' && (await host.imageExists(image))) return { image, pulled: false };
          if (isLocalImage(image)) {
            const error =
              "it is not in the compartment's image storage, and a localhost/ image comes from no registry: build, import or load it first";
            return { image, pulled: false, error };
          }
          emit('pull', 'running', `Pulling ${image}`);
          await host.pullImage(image, (progress) => emit('pull', 'running', `${image}: ${progress}`));
          return { image, pulled: true };
        } catch (err) {
          return { image, pulled: false, error: errorText(err) };
        }
      }),
    );
    const errors = results.filter((r) => r.error !== undefined);
    if (errors.length > 0) {
      const why = errors.map((r) => `${r.image} cannot be pulled: ${r.error}`).join('; ');
      emit('pull', 'failed', why);
      return why;
    }
    const pulled = results.filter((r) => r.pulled).map((r) => r.image);
    emit(
      'pull',
      'ok',
      pulled.length > 0
        ? `Pulled ${pulled.join(', ')}`
        : `Every image is present (${pulls.map((x) => x.image).join(', ')})`,
    );
    return undefined;
  }

  /**
   * Starts the units, then waits until every one is active and stays active for the settle time (none: return
   * at once). Units that ran before (`existing`) get a reset-failed first: systemd refuses a unit started more
   * than StartLimitBurst times within StartLimitIntervalSec (5 in 10 s by default) with `start-limit-hit`, and
   * an apply, its roll back and a retry (or a crash and its recovery) can restart a unit that often. An apply is
   * an operator's explicit request, which is what reset-failed is for.
   */
  private async startAndSettle(
    host: CompartmentHost,
    units: readonly string[],
    existing: readonly string[],
    settleMs: number,
    watched: readonly string[] = units,
  ): Promise<UnitStatus[]> {
    try {
      if (existing.length > 0) await host.resetFailed(existing).catch(() => undefined);
      await host.restartUnits(units);
    } catch (err) {
      throw new ApplyFailure('start', await this.explainFailures(host, units, errorText(err)));
    }
    // No settle (the compartment has probes): the restart call returned once every unit's start job had
    // finished, so they were all active; the verify step watches them from here and reads their states after.
    if (settleMs === 0 || watched.length === 0) return [];
    const started = this.now().getTime();
    for (;;) {
      const statuses = await this.statusesOrFail(host, watched, 'start');
      const elapsed = this.now().getTime() - started;
      if (elapsed >= settleMs && statuses.every((s) => s.activeState === 'active')) return statuses;
      if (elapsed >= settleMs + 30_000) {
        const slow = statuses.filter((s) => s.activeState !== 'active').map((s) => s.unit);
        throw new ApplyFailure('start', `still not active after 30 s: ${slow.join(', ')}`);
      }
      // poll every pollMs, and once exactly when the settle time is up (not up to a poll later)
      await this.sleep(elapsed < settleMs ? Math.min(this.pollMs, settleMs - elapsed) : this.pollMs);
    }
  }

  /** The units' states; an ApplyFailure of `step` naming why when any has stopped or failed. Once the units
   * were all active (`strict`), `activating` counts as a failure too: it is a unit systemd restarts after it
   * died (Restart=on-failure). */
  private async statusesOrFail(
    host: CompartmentHost,
    units: readonly string[],
    step: ApplyStep,
    strict = false,
  ): Promise<UnitStatus[]> {
    const statuses = await host.unitStatuses(units);
    const bad = statuses.filter((s) => s.activeState !== 'active' && (strict || s.activeState !== 'activating'));
    if (bad.length > 0) {
      throw new ApplyFailure(
        step,
        await this.explainFailures(
          host,
          bad.map((s) => s.unit),
          'units stopped',
        ),
      );
    }
    return statuses;
  }

  private async explainFailures(host: CompartmentHost, units: readonly string[], fallback: string): Promise<string> {
    const statuses = await host.unitStatuses(units).catch(() => [] as UnitStatus[]);
    const failed = statuses.filter((s) => s.activeState !== 'active');
    if (failed.length === 0) return fallback;
    const reasons = await Promise.all(
      failed.map(
        async (s) => `${s.unit}: ${await host.failureReason(s.unit).catch(() => `${s.activeState} (${s.result})`)}`,
      ),
    );
    return reasons.join('; ');
  }

  /**
   * Runs the probes side by side (each retried until it passes or the shared deadline); all must pass. Meanwhile
   * the started units are watched (every pollMs), and once the probes pass they must all still be active: a unit
   * that dies while they run fails the apply. Returns the units' last states when there were probes.
   */
  /** Loads the routes into the edge, then requests each through it until every one answers (or the verify time
   * is up: then it throws with what each failing route gave). */
  private async publishRoutes(compartment: string, routes: readonly RouteSpec[], touched: () => void): Promise<void> {
    if (!this.edge) throw new Error('the routes changed, but this quadletman has no edge (Caddy) to serve them');
    touched();
    await this.edge.publish(compartment, routes);
    const deadline = this.now().getTime() + this.verifyTimeoutMs;
    let failing = [...routes];
    let last = new Map<RouteSpec, string>();
    for (;;) {
      const results = await Promise.all(failing.map(async (r) => [r, await this.edge!.check(compartment, r)] as const));
      last = new Map(results.filter(([, x]) => !x.ok).map(([r, x]) => [r, x.detail]));
      failing = failing.filter((r) => last.has(r));
      if (failing.length === 0) return;
      if (this.now().getTime() >= deadline) break;
      await this.sleep(this.pollMs);
    }
    throw new Error(
      `route${failing.length === 1 ? '' : 's'} not answering through the edge: ${[...last].map(([r, d]) => `${r.host}${r.path} (${d})`).join(', ')}`,
    );
  }

  private async verify(
    host: CompartmentHost,
    probes: readonly ProbeSpec[],
    units: readonly string[],
  ): Promise<UnitStatus[] | undefined> {
    if (probes.length === 0) return undefined;
    let done = false;
    let stopped: unknown;
    let wake = () => {};
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const watcher = (async () => {
      while (!done && units.length > 0) {
        // the watch ends as soon as the probes do, not a poll later
        await Promise.race([this.sleep(this.pollMs), woken]);
        if (done) return;
        try {
          await this.statusesOrFail(host, units, 'verify', true);
        } catch (err) {
          stopped = err;
          done = true;
        }
      }
    })();
    let failures: string[];
    try {
      failures = await this.runProbes(host, probes, () => done);
    } finally {
      done = true;
      wake();
      await watcher;
    }
    if (stopped !== undefined) throw stopped;
    if (failures.length > 0) throw new ApplyFailure('verify', failures.join('; '));
    return units.length > 0 ? await this.statusesOrFail(host, units, 'verify', true) : [];
  }

  /**
   * Runs a compartment's probes now, each retried until it passes or the verification deadline (as an apply's
   * verification does): the failures, none when every probe answers.
   */
  async probe(compartment: string, probes: readonly ProbeSpec[]): Promise<string[]> {
    if (probes.length === 0) return [];
    return this.runProbes(await this.hostFor(compartment), probes, () => false);
  }

  /** The failures of the probes, each retried until it passes, the shared deadline, or `cancelled()`. A
   * service usually answers within moments of its start, so the first retries come soon (10 ms, doubling up
   * to pollMs). */
  private async runProbes(
    host: CompartmentHost,
    probes: readonly ProbeSpec[],
    cancelled: () => boolean,
  ): Promise<string[]> {
    const deadline = this.now().getTime() + this.verifyTimeoutMs;
    const failures = await Promise.all(
      probes.map(async (probe) => {
        for (let pause = Math.min(10, this.pollMs); ; pause = Math.min(pause * 2, this.pollMs)) {
          const r = await host.probe(probe);
          if (r.ok || cancelled()) return undefined;
          if (this.now().getTime() >= deadline) return `probe '${probe.name}' failed: ${r.detail}`;
          await this.sleep(pause);
        }
      }),
    );
    return failures.filter((f) => f !== undefined);
  }

  /** Puts the previous files back and brings their units up again; stops units the apply added. */
  private async restore(host: CompartmentHost, pending: PendingApply, added: readonly string[]): Promise<void> {
    const now = await host.readManaged();
    if (added.length > 0) await host.stopUnits(added).catch(() => undefined);
    const addedTimers = added.filter(isUserUnitOf(now));
    if (addedTimers.length > 0) await host.disableUnits(addedTimers).catch(() => undefined);
    const back = planOf(pending.previous, now);
    await host.writeFiles(writesOf(pending.previous, back), removalsOf(back));
    // an interrupted upgrade: the names its pull moved point at the images they named before
    for (const r of pending.units.retag ?? []) await host.tagImage(r.id, r.image);
    await host.daemonReload();
    const removedTimers = pending.units.stop.filter(isUserUnitOf(pending.previous));
    if (removedTimers.length > 0) await host.enableUnits(removedTimers);
    const units = [...new Set([...pending.units.restart, ...pending.units.stop])];
    if (units.length === 0) return;
    // The failed apply (or the apply a crash interrupted, and its orphaned restart job) has just restarted these
    // units: without a reset their start rate limit can refuse the restart that brings them back.
    await host.resetFailed(units).catch(() => undefined);
    await host.restartUnits(units);
  }

  /** Records the revision and the journal row of an apply about to touch the host (durable before it does). */
  private beginRevision(
    target: ApplyTarget,
    p: Plan,
    options: ApplyOptions,
    pending: PendingApply,
    message: string | undefined,
  ): void {
    this.store.begin(
      {
        compartment: target.compartment,
        number: pending.revision,
        files: target.files,
        diff: p.changes.map((c) => c.diff).join(''),
        actor: options.actor,
        startedAt: this.now(),
        ...(message ? { message } : {}),
        ...(target.spec !== undefined ? { spec: target.spec } : {}),
      },
      pending,
    );
  }

  private recordRefusal(target: ApplyTarget, p: Plan, options: ApplyOptions, message: string): number {
    const number = this.store.nextRevision(target.compartment);
    const at = this.now();
    this.store.record({
      compartment: target.compartment,
      number,
      files: target.files,
      diff: p.changes.map((c) => c.diff).join(''),
      actor: options.actor,
      startedAt: at,
      finishedAt: at,
      result: 'refused' satisfies RevisionResult,
      message,
      ...(target.spec !== undefined ? { spec: target.spec } : {}),
    });
    return number;
  }
}

/** Which units an upgrade restarts on their (new) images, and how long its health gate waits. */
export interface UpgradeRequest {
  /** The `.container` files to upgrade. */
  units: readonly string[];
  /** How long the units must stay healthy after they first are (default 5 s). */
  settleMs?: number;
  /** How long they may take to become healthy (default 120 s). */
  healthTimeoutMs?: number;
}

/** One upgraded unit's image: the name it runs and the image (id, digest) before and after. */
export interface UpgradeImage {
  unit: string;
  image: string;
  /** The name the unit ran before, when it differs or not (another tag, or the digest a pin named). */
  previousImage?: string;
  before?: ImageIdentity;
  after?: ImageIdentity;
}

export interface UpgradeResult extends ApplyResult {
  images: UpgradeImage[];
  /** When the health gate saw the failure (a rolled-back upgrade). */
  failedAt?: Date;
  /** When the previous units were healthy again. */
  restoredAt?: Date;
}

/** The name that keeps the image a unit ran before its last upgrade. */
export const previousImageName = (unit: string): string =>
  `localhost/quadletman-previous/${unit
    .replace(/\.container$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')}:previous`;

/** The names an upgrade's pull moved (not digests, not local names), each with the image id it named before. */
function retagsOf(moved: readonly UpgradeImage[]): { image: string; id: string }[] {
  const out = new Map<string, string>();
  for (const i of moved) {
    const name = i.previousImage;
    if (i.before && name && !name.includes('@') && !isLocalImage(name)) out.set(name, i.before.id);
  }
  return [...out].map(([image, id]) => ({ image, id }));
}

/** "web.container: sha256:1234567890ab → sha256:cdef01234567" for each image that changed. */
function describeUpgrade(images: readonly UpgradeImage[]): string {
  const short = (d: ImageIdentity | undefined) =>
    d ? (d.digest || d.id).replace(/^(sha256:)?(.{12}).*$/, 'sha256:$2') : 'none';
  return images
    .map((i) => {
      const name = i.previousImage && i.previousImage !== i.image ? `${i.previousImage} → ${i.image}` : i.image;
      return `${i.unit} (${name}) ${short(i.before)} → ${short(i.after)}`;
    })
    .join(', ');
}

/** The services of the set's `.build` files. */
function buildServices(files: FileSet): Set<string> {
  const out = new Set<string>();
  for (const [name, text] of quadletFiles(files.files)) {
    if (!name.endsWith('.build')) continue;
    const svc = serviceOf(name, text);
    if (svc) out.add(svc);
  }
  return out;
}

/** The service of a `.container` file in a file set (its ServiceName=, else its base name). */
function serviceOfFile(file: string, files: FileSet): string {
  return gateUnitFor(file, files).unit;
}

/** The gate's view of a unit: from its `.container` file when the set has one (by service or file name). */
function gateUnitFor(unitOrFile: string, files: FileSet): GateUnit {
  const quadlets = quadletFiles(files.files);
  const file = unitOrFile.endsWith('.container') ? unitOrFile : `${unitOrFile.replace(/\.service$/, '')}.container`;
  const text = quadlets.get(file);
  if (text !== undefined) return gateUnitOf(file, text);
  for (const [name, t] of quadlets) {
    if (!name.endsWith('.container')) continue;
    const g = gateUnitOf(name, t);
    if (g.unit === unitOrFile) return g;
  }
  return { unit: unitOrFile, startPeriodMs: 0, retries: 3 };
}

function planOf(desired: FileSet, current: FileSet): Plan {
  return makePlan({
    desired: desired.files,
    current: current.files,
    desiredModes: desired.modes,
    currentModes: current.modes,
  });
}

function writesOf(desired: FileSet, p: Plan): Map<string, { text: string; mode: number }> {
  const out = new Map<string, { text: string; mode: number }>();
  for (const c of p.changes) {
    if (c.kind === 'removed') continue;
    out.set(c.path, { text: desired.files.get(c.path)!, mode: desired.modes.get(c.path) ?? 0o644 });
  }
  return out;
}

/** Units an apply enables and disables (their [Install] decides what that means): the unit files of the user's
 * own unit folder (timers, sockets, services, targets: the compartment's target among them), by unit name; never
 * a service Quadlet generates. */
const isUserUnitOf =
  (set: FileSet) =>
  (unit: string): boolean =>
    set.files.has(`${SYSTEMD_USER_DIR}/${unit}`);

const removalsOf = (p: Plan): string[] => p.changes.filter((c) => c.kind === 'removed').map((c) => c.path);

function quadletFiles(files: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, text] of files)
    if (path.startsWith(QUADLET_PREFIX)) out.set(path.slice(QUADLET_PREFIX.length), text);
  return out;
}

/** The Quadlet files (by file name) that the plan adds or changes. */
function changedQuadletFiles(p: Plan): string[] {
  return p.changes
    .filter((c) => c.kind !== 'removed' && c.path.startsWith(QUADLET_PREFIX))
    .map((c) => c.path.slice(QUADLET_PREFIX.length));
}

function describePlan(p: Plan): string {
  if (p.noop) return 'No changes';
  const count = (k: string) => p.changes.filter((c) => c.kind === k).length;
  const parts = [`${count('added')} added`, `${count('changed')} changed`, `${count('removed')} removed`];
  const u = p.units;
  const routes = p.routes ? `; routes: ${p.routes.add.length} added, ${p.routes.remove.length} removed` : '';
  const links = p.links ? `; connections: ${p.links.add.length} added, ${p.links.remove.length} removed` : '';
  return `${parts.join(', ')}; start ${u.start.length}, restart ${u.restart.length}, stop ${u.stop.length}${routes}${links}`;
}

function firstErrors(reports: readonly FileReport[]): string {
  const errors = reports.flatMap((r) =>
    r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${r.path}:${d.line}: ${d.message}`),
  );
  return errors.slice(0, 3).join('; ') + (errors.length > 3 ? ` (and ${errors.length - 3} more)` : '');
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Whether two route lists are the same (each sorted by host and path, as specs keep them). */
function sameRoutes(a: readonly RouteSpec[], b: readonly RouteSpec[]): boolean {
  // (the description holds the host, path, target, port and a fingerprint of the options)
  return a.length === b.length && a.every((r, i) => describeRoute(r) === describeRoute(b[i]!));
}

/** The plan with the routes the target adds and removes; a plan that changes routes is no no-op. */
function withRouteChanges(p: Plan, target: ApplyTarget): Plan {
  const links = target.links ? linkChanges(target.links.desired, target.links.applied) : undefined;
  const q = links && links.add.length + links.remove.length > 0 ? { ...p, links } : p;
  if (!target.routes || sameRoutes(target.routes.desired, target.routes.applied)) return q;
  const routes = routeChanges(target.routes.desired, target.routes.applied);
  return { ...q, routes, noop: false };
}
