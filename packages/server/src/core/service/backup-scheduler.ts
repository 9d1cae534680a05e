/**
 * The server's scheduled backups: every tick (1 min by default) each compartment whose policy's next run
 * (core/backups/policy.ts `nextRunOf`) is due is backed up, then its retention applied (BackupService.runScheduled,
 * which records the outcome with the policy). One compartment at a time, in list order, so that backups never
 * compete with each other for the disk; a run never overlaps an apply of its compartment (its apply lock): a
 * compartment being applied is left for the next tick. A run missed while the server was down runs once when it
 * is back. A failed run (the backup, the prune after it, or the weekly `restic check` after that) is logged and
 * reported as a `backup-failed`
 * notification; the next try is the schedule's next time, not at once.
 */
import type { BackupRun } from '../backups/policy.js';
import type { NotifyEventInput } from '../notify/event.js';
import type { BackupService } from './backups.js';

export interface SchedulerTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realTimers: SchedulerTimers = {
  setInterval: (fn, ms) => {
    const h = setInterval(fn, ms);
    h.unref();
    return h;
  },
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

export interface BackupSchedulerOptions {
  /** How often the schedule is looked at (default 1 min). */
  tickMs?: number;
  now?: () => Date;
  timers?: SchedulerTimers;
  log?: (message: string) => void;
  notify?: (event: NotifyEventInput) => void;
  /** After each run (done or failed; not a busy compartment): the audit entry. */
  afterRun?: (id: string, run: BackupRun) => void;
}

export type ScheduledOutcome = { id: string; outcome: 'ok' | 'failed' | 'busy' };

export class BackupScheduler {
  private timer: unknown;
  private running: Promise<unknown> | undefined;
  private readonly timers: SchedulerTimers;

  constructor(
    private readonly compartments: () => readonly string[],
    private readonly backups: Pick<BackupService, 'policy' | 'runScheduled'>,
    private readonly options: BackupSchedulerOptions = {},
  ) {
    this.timers = options.timers ?? realTimers;
  }

  start(): void {
    if (this.timer !== undefined) return;
    const tick = () => {
      this.running ??= this.runDue().finally(() => {
        this.running = undefined;
      });
    };
    this.timer = this.timers.setInterval(tick, this.options.tickMs ?? 60_000);
    tick();
  }

  /** Stops the schedule; resolves once a run under way has finished. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) this.timers.clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs every compartment whose scheduled backup is due, one after another. */
  async runDue(): Promise<ScheduledOutcome[]> {
    const done: ScheduledOutcome[] = [];
    for (const id of this.compartments()) {
      let nextRun: string | null;
      try {
        nextRun = this.backups.policy(id).nextRun;
      } catch (e) {
        this.options.log?.(`backup schedule of ${id}: ${(e as Error).message}`);
        continue;
      }
      const now = (this.options.now?.() ?? new Date()).getTime();
      if (nextRun === null || Date.parse(nextRun) > now) continue;
      let run: BackupRun | 'busy';
      try {
        run = await this.backups.runScheduled(id);
      } catch (e) {
        // not the backup's own failure (runScheduled records those): the compartment went away meanwhile
        this.options.log?.(`scheduled backup of ${id}: ${(e as Error).message}`);
        continue;
      }
      if (run === 'busy') {
        this.options.log?.(`scheduled backup of ${id} waits: an apply of it is running`);
        done.push({ id, outcome: 'busy' });
        continue;
      }
      done.push({ id, outcome: run.result });
      this.options.afterRun?.(id, run);
      if (run.result === 'failed') this.failed(id, run);
    }
    return done;
  }

  private failed(id: string, run: BackupRun): void {
    const after = `after snapshot ${run.snapshot?.slice(0, 8) ?? '?'}`;
    const what =
      run.stage === 'prune'
        ? `the retention (restic forget --prune) ${after} failed`
        : run.stage === 'check'
          ? `the repository check (restic check) ${after} failed`
          : 'the backup failed';
    const titles = {
      backup: `${id}: scheduled backup failed`,
      prune: `${id}: pruning old backups failed`,
      check: `${id}: the backup repository check failed`,
    };
    this.options.log?.(`scheduled backup of ${id}: ${what}: ${run.error ?? ''}`);
    this.options.notify?.({
      kind: 'backup-failed',
      compartment: id,
      title: titles[run.stage ?? 'backup'],
      message: `${what} (${run.at}): ${run.error ?? 'no message'}`,
      details: {
        stage: run.stage ?? 'backup',
        at: run.at,
        finishedAt: run.finishedAt,
        error: run.error ?? '',
        ...(run.snapshot ? { snapshot: run.snapshot } : {}),
      },
    });
  }
}
