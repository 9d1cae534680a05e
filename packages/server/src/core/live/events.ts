/**
 * Live state events: what `/api/events` streams. One shape for containers and units, statuses as string
 * unions, and the pure normalization of the host's raw signals (podman events, the user manager's journal
 * messages) into it. No side effects here.
 */
import type { CompartmentId } from '../ids.js';

/** What happened to a container (podman's event status, normalized; uninteresting statuses are dropped). */
export type ContainerLiveState =
  | 'created'
  | 'initialized'
  | 'started'
  | 'died'
  | 'killed'
  | 'stopped'
  | 'removed'
  | 'paused'
  | 'unpaused'
  | 'restarted'
  | 'oom'
  | 'healthy'
  | 'unhealthy'
  | 'health-starting';

/** The unit's ActiveState as systemd names it. */
export type UnitLiveState = 'activating' | 'active' | 'reloading' | 'deactivating' | 'inactive' | 'failed';

/** Why a unit ended (systemd's Result=, when the source knows it). */
export type UnitLiveResult =
  | 'success'
  | 'exit-code'
  | 'signal'
  | 'core-dump'
  | 'timeout'
  | 'watchdog'
  | 'start-limit-hit'
  | 'resources'
  | 'oom-kill'
  | 'protocol'
  | 'exec-condition'
  | 'unknown';

interface LiveEventBase {
  compartment: CompartmentId;
  /** Container name, or unit name (`web.service`). */
  name: string;
  /** Exit code of the container / the unit's main process, when the event carries one. */
  exitCode?: number;
  /** When it happened (ISO 8601, from the source's own timestamp). */
  at: string;
}

export interface ContainerEvent extends LiveEventBase {
  kind: 'container';
  state: ContainerLiveState;
  /** The systemd unit that runs the container (Quadlet's PODMAN_SYSTEMD_UNIT label). */
  unit?: string;
}

export interface UnitEvent extends LiveEventBase {
  kind: 'unit';
  state: UnitLiveState;
  result?: UnitLiveResult;
}

export type LiveEvent = ContainerEvent | UnitEvent;

// ------------------------------------------------------------------------------------------- containers

/** The fields of a podman event this module reads (host/podman.ts's PodmanEvent has them). */
export interface RawPodmanEvent {
  type: string;
  status: string;
  name: string;
  exitCode: number | undefined;
  health: string | undefined;
  time: Date;
  attributes: Record<string, string>;
}

const CONTAINER_STATUS: Record<string, ContainerLiveState> = {
  create: 'created',
  init: 'initialized',
  start: 'started',
  died: 'died',
  kill: 'killed',
  stop: 'stopped',
  remove: 'removed',
  pause: 'paused',
  unpause: 'unpaused',
  restart: 'restarted',
  oom: 'oom',
};

const HEALTH: Record<string, ContainerLiveState> = {
  healthy: 'healthy',
  unhealthy: 'unhealthy',
  starting: 'health-starting',
};

/** A podman event as a live event, or undefined for events nobody watches (exec, attach, mount, cleanup…). */
export function fromPodmanEvent(compartment: CompartmentId, e: RawPodmanEvent): ContainerEvent | undefined {
  if (e.type !== 'container' || !e.name) return undefined;
  const state = e.status === 'health_status' ? HEALTH[e.health ?? ''] : CONTAINER_STATUS[e.status];
  if (!state) return undefined;
  const out: ContainerEvent = { compartment, kind: 'container', name: e.name, state, at: iso(e.time) };
  // podman puts ContainerExitCode on every event of a stopped container; it means something on `died` only
  if (state === 'died' && e.exitCode !== undefined) out.exitCode = e.exitCode;
  const unit = e.attributes.PODMAN_SYSTEMD_UNIT;
  if (unit) out.unit = unit;
  return out;
}

// ------------------------------------------------------------------------------------------- units

/**
 * systemd's catalog message ids (sd-messages.h) that mark a unit's state changes in the manager's journal.
 * Structured fields, not the message text: JOB_TYPE/JOB_RESULT, UNIT_RESULT, EXIT_CODE/EXIT_STATUS.
 */
export const UNIT_MESSAGE_IDS = {
  starting: '7d4958e842da4a758f6c1cdc7b36dcc5',
  started: '39f53479d3a045ac8e11786248231fbf',
  stopping: 'de5b426a63be47a7b6ac3eaac82e2f6f',
  stopped: '9d1aaa27d60140bd96365438aad20286',
  /** A start job failed ("Failed to start …"). */
  failed: 'be02cf6855d2428ba40df7e9d022f03d',
  /** The unit entered the failed state ("Failed with result 'exit-code'."), with UNIT_RESULT. */
  failureResult: 'd9b373ed55a64feb8242e02dbe79a49c',
  reloading: 'd34d037fff1847e6ae669a370e694725',
  reloaded: '7b05ebc668384222baa8881179cfda54',
  processExit: '98e322203f7a4ed290d09fe03c09fe15',
  success: '7ad2d189f7e94e70a38c781354912448',
  restartScheduled: '5eb03494b6584870a536b337290809b3',
} as const;

/** The fields of a user manager journal entry this module reads. */
export interface RawUnitMessage {
  messageId: string;
  /** USER_UNIT: the unit the message is about. */
  unit: string;
  jobType?: string;
  jobResult?: string;
  unitResult?: string;
  exitCode?: string;
  exitStatus?: string;
  /** COMMAND of a process-exit message: ExecStart, ExecStopPost, … */
  command?: string;
  time: Date;
}

const RESULTS: readonly UnitLiveResult[] = [
  'success',
  'exit-code',
  'signal',
  'core-dump',
  'timeout',
  'watchdog',
  'start-limit-hit',
  'resources',
  'oom-kill',
  'protocol',
  'exec-condition',
];
const resultOf = (v: string | undefined): UnitLiveResult =>
  (RESULTS as readonly string[]).includes(v ?? '') ? (v as UnitLiveResult) : 'unknown';

/**
 * A user manager journal message as a unit event, or undefined when it is not a state change. `lastExit` is
 * the exit status the unit's main process last reported (a process-exit message precedes the failure).
 */
export function fromUnitMessage(
  compartment: CompartmentId,
  m: RawUnitMessage,
  lastExit?: number,
): UnitEvent | undefined {
  if (!m.unit) return undefined;
  const ids = UNIT_MESSAGE_IDS;
  const ev = (state: UnitLiveState, extra: Partial<UnitEvent> = {}): UnitEvent => ({
    compartment,
    kind: 'unit',
    name: m.unit,
    state,
    at: iso(m.time),
    ...extra,
  });
  switch (m.messageId) {
    case ids.starting:
      return ev('activating');
    case ids.started:
      // JOB_RESULT=done: active; anything else (failed, timeout, dependency…) the unit did not come up
      return m.jobResult === undefined || m.jobResult === 'done' ? ev('active') : ev('failed');
    case ids.stopping:
      return ev('deactivating');
    case ids.stopped:
    case ids.success:
      return ev('inactive', { result: 'success' });
    case ids.failed:
    case ids.failureResult: {
      const extra: Partial<UnitEvent> = { result: m.unitResult ? resultOf(m.unitResult) : 'unknown' };
      if (lastExit !== undefined) extra.exitCode = lastExit;
      return ev('failed', extra);
    }
    case ids.reloading:
      return ev('reloading');
    case ids.reloaded:
      return ev('active');
    case ids.restartScheduled:
      return ev('activating');
    case ids.processExit: {
      // the main process ended: the unit is on its way down (stop-post: Quadlet's `podman rm`) and will end
      // inactive or failed — seconds later under load; this is the earliest word of it from systemd
      if (m.command !== undefined && m.command !== 'ExecStart') return undefined;
      const code = exitStatusOf(m);
      return ev('deactivating', code !== undefined ? { exitCode: code } : {});
    }
    default:
      return undefined;
  }
}

/** The exit status a main-process-exit message reports (EXIT_STATUS=137), or undefined. */
export function exitStatusOf(m: RawUnitMessage): number | undefined {
  if (m.messageId !== UNIT_MESSAGE_IDS.processExit || m.exitStatus === undefined) return undefined;
  if (m.command !== undefined && m.command !== 'ExecStart') return undefined;
  const n = Number(m.exitStatus);
  return Number.isInteger(n) ? n : undefined;
}

function iso(d: Date): string {
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}
