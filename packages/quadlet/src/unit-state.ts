/**
 * The one vocabulary of unit states, for the CLI and the web UI alike (both import it from here): systemd's
 * ActiveState and SubState (`systemctl show -p ActiveState,SubState`) as one word, shown with the pair itself in
 * parentheses — `running (active/running)`, `done (active/exited)`, `failed (failed/failed)`.
 *
 * The words:
 *   - running: active and its process runs (active/running; a target's active/active, a mount's active/mounted…);
 *   - done: active because it ran and exited (active/exited — a oneshot unit with RemainAfterExit such as every
 *     Quadlet .network, .volume, .image and .build unit — or an elapsed timer, active/elapsed): nothing runs;
 *   - waiting: active and armed, waiting for its trigger (a timer or path active/waiting, a socket active/listening);
 *   - starting / restarting: activating (restarting: activating/auto-restart, auto-restart-queued — it ended and
 *     systemd will start it again);
 *   - stopping: deactivating; reloading: reloading (and systemd 255's refreshing);
 *   - failed: failed; stopped: inactive; maintenance: maintenance (`systemctl clean` runs);
 *   - unknown: systemd could not be asked, or answered a state this table does not know.
 */

export const UNIT_STATE_WORDS = [
  'running',
  'done',
  'waiting',
  'starting',
  'restarting',
  'stopping',
  'reloading',
  'failed',
  'stopped',
  'maintenance',
  'unknown',
] as const;
export type UnitStateWord = (typeof UNIT_STATE_WORDS)[number];

/**
 * Every (ActiveState, SubState) pair systemd's unit types report (src/core/{service,timer,socket,path,target,
 * mount}.c state translation tables), with the word it reads as: the tests of the CLI and the web UI check every
 * one.
 */
export const SYSTEMD_STATE_PAIRS: readonly (readonly [string, string, UnitStateWord])[] = [
  // service
  ['inactive', 'dead', 'stopped'],
  ['activating', 'condition', 'starting'],
  ['activating', 'start-pre', 'starting'],
  ['activating', 'start', 'starting'],
  ['activating', 'start-post', 'starting'],
  ['active', 'running', 'running'],
  ['active', 'exited', 'done'],
  ['reloading', 'reload', 'reloading'],
  ['reloading', 'reload-signal', 'reloading'],
  ['reloading', 'reload-notify', 'reloading'],
  ['deactivating', 'stop', 'stopping'],
  ['deactivating', 'stop-watchdog', 'stopping'],
  ['deactivating', 'stop-sigterm', 'stopping'],
  ['deactivating', 'stop-sigkill', 'stopping'],
  ['deactivating', 'stop-post', 'stopping'],
  ['deactivating', 'final-watchdog', 'stopping'],
  ['deactivating', 'final-sigterm', 'stopping'],
  ['deactivating', 'final-sigkill', 'stopping'],
  ['failed', 'failed', 'failed'],
  ['inactive', 'dead-before-auto-restart', 'stopped'],
  ['failed', 'failed-before-auto-restart', 'failed'],
  ['inactive', 'dead-resources-pinned', 'stopped'],
  ['activating', 'auto-restart', 'restarting'],
  ['activating', 'auto-restart-queued', 'restarting'],
  ['maintenance', 'cleaning', 'maintenance'],
  // timer
  ['active', 'waiting', 'waiting'],
  ['active', 'elapsed', 'done'],
  // socket
  ['activating', 'start-chown', 'starting'],
  ['active', 'listening', 'waiting'],
  ['deactivating', 'stop-pre', 'stopping'],
  ['deactivating', 'stop-pre-sigterm', 'stopping'],
  ['deactivating', 'stop-pre-sigkill', 'stopping'],
  // target
  ['active', 'active', 'running'],
  // mount
  ['activating', 'mounting', 'starting'],
  ['active', 'mounted', 'running'],
  ['deactivating', 'unmounting', 'stopping'],
  // systemd 255's refreshing (mount-image / bind-mount into a running service)
  ['refreshing', 'refreshing', 'reloading'],
];

/** The word of an ActiveState and SubState (a missing or empty SubState: the ActiveState's usual word). */
export function unitStateWord(activeState: string | undefined, subState?: string): UnitStateWord {
  switch (activeState) {
    case 'active':
      switch (subState) {
        case 'exited':
        case 'elapsed':
          return 'done';
        case 'waiting':
        case 'listening':
          return 'waiting';
        default:
          return 'running';
      }
    case 'activating':
      return subState === 'auto-restart' || subState === 'auto-restart-queued' ? 'restarting' : 'starting';
    case 'deactivating':
      return 'stopping';
    case 'reloading':
    case 'refreshing':
      return 'reloading';
    case 'failed':
      return 'failed';
    case 'inactive':
      return 'stopped';
    case 'maintenance':
      return 'maintenance';
    default:
      return 'unknown';
  }
}

/** systemd's own words in parentheses: `(active/running)`, `(active)` without a SubState; '' without either. */
export function systemdStateText(activeState: string | undefined, subState?: string): string {
  if (!activeState) return '';
  return subState ? `(${activeState}/${subState})` : `(${activeState})`;
}

/** A unit's state as the CLI prints it and the web UI shows it in English: `done (active/exited)`. */
export function unitStateText(status: { activeState: string; subState?: string } | undefined): string {
  const word = unitStateWord(status?.activeState, status?.subState);
  const paren = systemdStateText(status?.activeState, status?.subState);
  return paren ? `${word} ${paren}` : word;
}

/** How a state looks: good, bad, neutral, in progress. */
export type UnitStateTone = 'ok' | 'bad' | 'idle' | 'busy';

export const UNIT_STATE_TONE: Readonly<Record<UnitStateWord, UnitStateTone>> = {
  running: 'ok',
  done: 'ok',
  waiting: 'ok',
  starting: 'busy',
  restarting: 'busy',
  stopping: 'busy',
  reloading: 'busy',
  failed: 'bad',
  stopped: 'idle',
  maintenance: 'busy',
  unknown: 'idle',
};

/**
 * How a container is counted: running (also while it reloads), failed, changing (starting, restarting,
 * stopping, maintenance) or stopped (also done, waiting, unknown: nothing runs that anyone can see).
 */
export type UnitStateCount = 'running' | 'failed' | 'changing' | 'stopped';

export const UNIT_STATE_COUNT: Readonly<Record<UnitStateWord, UnitStateCount>> = {
  running: 'running',
  reloading: 'running',
  failed: 'failed',
  starting: 'changing',
  restarting: 'changing',
  stopping: 'changing',
  maintenance: 'changing',
  done: 'stopped',
  waiting: 'stopped',
  stopped: 'stopped',
  unknown: 'stopped',
};

/**
 * Whether a unit (by the file it comes from: `web.container`, `app.pod`, `db.network`, `backup.timer`) counts as a
 * container: a `.container` file's service runs exactly one container. Pods (their containers are counted),
 * kube units, networks, volumes, images, builds and plain systemd units are other units.
 */
export const isContainerSource = (source: string): boolean => source.endsWith('.container');
