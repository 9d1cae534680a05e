/**
 * What the apply engine needs from the rest of quadletman, as ports: the compartment's files and units on the
 * host, and a durable record of revisions and in-flight applies. The composition root wires host/ and store/
 * adapters into these; tests pass fakes.
 */
import type { HostVolume } from '../render.js';
import type { ProbeSpec, ProvideSpec, RouteSpec, UseSpec } from '../spec.js';

/** Files of a compartment: home-relative path → text, and their modes. */
export interface FileSet {
  files: Map<string, string>;
  modes: Map<string, number>;
}

export interface DryRunVerdict {
  /** Quadlet file name (`web.container`). */
  file: string;
  ok: boolean;
  reason?: string;
}

export interface UnitStatus {
  unit: string;
  /** systemd's ActiveState: active, activating, inactive, failed, deactivating, reloading, maintenance. */
  activeState: string;
  subState: string;
  /** systemd's Result (success, exit-code, signal, timeout…). */
  result: string;
}

export interface ProbeResult {
  ok: boolean;
  /** What was seen: `HTTP 200`, `connection refused`, `timed out after 2000 ms`. */
  detail: string;
}

/** The compartment on its host: everything the engine reads or changes there. */
export interface CompartmentHost {
  /** The Podman version (major.minor) whose generator runs this compartment's units, when known: what the linter
   * judges against unless the compartment pins one. */
  podmanVersion(): Promise<string | undefined>;
  /** The files the compartment owns in its managed folders (Quadlet units, timers, config files). */
  readManaged(): Promise<FileSet>;
  /** The real Quadlet generator's verdicts over a staged copy of these Quadlet files (name → text). */
  dryRun(quadletFiles: ReadonlyMap<string, string>): Promise<DryRunVerdict[]>;
  /** Writes each file atomically (with its mode) and removes others; creates folders as needed. */
  writeFiles(write: ReadonlyMap<string, { text: string; mode: number }>, remove: readonly string[]): Promise<void>;
  /** Makes the compartment's helper users `qm-<id>-<uid>` exactly these container ids (creates the missing ones,
   * removes the others). */
  syncHelperUsers(ids: readonly number[]): Promise<void>;
  /** Creates the managed host directories the units mount, owned by the compartment user or, with an owner, by
   * that container id (its helper user); an existing folder whose owner differs is given to the right one. */
  ensureHostVolumes(volumes: readonly HostVolume[]): Promise<void>;
  daemonReload(): Promise<void>;
  /** Restarts (starting those not running) these units in one call; resolves when systemd has started them,
   * or with `wait: false` as soon as the restart jobs are queued. */
  restartUnits(units: readonly string[], options?: { wait?: boolean }): Promise<void>;
  /** Enables units with an [Install] section of their own (user timers), so they start again after a reboot;
   * Quadlet's units need no enabling (the generator wires their [Install]). */
  enableUnits(units: readonly string[]): Promise<void>;
  disableUnits(units: readonly string[]): Promise<void>;
  /** Starts units that are not running (running ones are left alone), in one call. */
  startUnits(units: readonly string[]): Promise<void>;
  stopUnits(units: readonly string[]): Promise<void>;
  /** Clears units' failed state and systemd's start rate-limit counter (`systemctl reset-failed`). Units systemd
   * has not loaded may make it fail; callers treat it as best effort. */
  resetFailed(units: readonly string[]): Promise<void>;
  unitStatuses(units: readonly string[]): Promise<UnitStatus[]>;
  /** Why a unit failed, in one or a few lines (result, exit status, the journal's last lines). */
  failureReason(unit: string): Promise<string>;
  probe(probe: ProbeSpec): Promise<ProbeResult>;
  /** The fully qualified name the host's registries.conf gives a short image name (its short-name alias, else
   * the first search registry), when it gives one. */
  qualifyImage(shortName: string): Promise<string | undefined>;
  /** Whether the compartment's image storage has this image (by name). */
  imageExists(image: string): Promise<boolean>;
  /** Pulls an image into the compartment's storage as its user, with its registry logins; reports how far it
   * has come as it goes ("2 blobs: 1 copied"). Rejects with Podman's reason when the pull fails. */
  pullImage(image: string, onProgress: (message: string) => void): Promise<void>;
  /** The image a name resolves to in the compartment's storage (its id, and the manifest digest it was pulled
   * by), or undefined when the storage has none. */
  imageIdentity(image: string): Promise<ImageIdentity | undefined>;
  /** Gives an image (by id or name) one more name in the compartment's storage (`podman tag`). */
  tagImage(source: string, target: string): Promise<void>;
  /** Runs a container's health check once (its HealthCmd), as the compartment user. */
  healthCheck(container: string): Promise<ProbeResult>;
}

/** The edge (Caddy) that serves compartments' routes. */
export interface EdgePort {
  /** Loads the edge's whole configuration, with these routes for the compartment and every other compartment's as
   * stored; resolves once the edge runs it. */
  publish(compartment: string, routes: readonly RouteSpec[]): Promise<void>;
  /** One request through the edge for the route (its host name, over TLS): ok when the app answered. */
  check(compartment: string, route: RouteSpec): Promise<ProbeResult>;
}

/** The loopback guard: who may connect to the loopback ports of routes and provided services. */
export interface GuardPort {
  /** Loads the guard with the compartment's routes, provided services and uses as given, and every other
   * compartment's as stored. */
  publish(
    compartment: string,
    links: { routes: readonly RouteSpec[]; provides: readonly ProvideSpec[]; uses: readonly UseSpec[] },
  ): Promise<void>;
}

export interface ImageIdentity {
  id: string;
  /** `sha256:…`, or '' for an image that was built or imported rather than pulled. */
  digest: string;
}

export type ApplyPhase = 'prepared' | 'written' | 'reloaded' | 'started' | 'verified';

export type RevisionResult = 'applied' | 'failed' | 'rolled-back' | 'refused';

export interface RevisionRecord {
  compartment: string;
  number: number;
  /** The files this revision rendered (what it wrote, or would have written). */
  files: FileSet;
  /** Unified diffs against what was on disk, concatenated. */
  diff: string;
  actor: string;
  startedAt: Date;
  finishedAt?: Date;
  result?: RevisionResult;
  message?: string;
  /** The desired state the files were rendered from (JSON), so history can show it and roll back to it. */
  spec?: unknown;
}

/** An apply that started changing the host and has not finished: what the host had before. */
export interface PendingApply {
  compartment: string;
  revision: number;
  phase: ApplyPhase;
  previous: FileSet;
  /** Units the apply stops, restarts or starts: what a roll back must bring back; for an upgrade, the image
   * names its pull moved and the image id each named before (a roll back points them back). */
  units: { stop: string[]; restart: string[]; retag?: { image: string; id: string }[] };
}

/** Durable records. `begin` must be durable before the engine touches the host. */
export interface RevisionStore {
  nextRevision(compartment: string): number;
  begin(record: RevisionRecord, pending: PendingApply): void;
  /** Records a revision that never touched the host (refused, or nothing to do). */
  record(record: RevisionRecord): void;
  setPhase(compartment: string, revision: number, phase: ApplyPhase): void;
  finish(compartment: string, revision: number, result: RevisionResult, message: string, finishedAt: Date): void;
  pending(): PendingApply[];
  revision(compartment: string, number: number): RevisionRecord | undefined;
}

/** Serializes applies of one compartment, across processes where the adapter can. */
export interface ApplyLocks {
  /** Resolves with a release function; with `wait: false` rejects at once when the compartment is busy. */
  acquire(compartment: string, wait: boolean): Promise<() => void>;
}
