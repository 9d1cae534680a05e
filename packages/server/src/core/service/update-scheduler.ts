/**
 * The server's update checks on a schedule: each compartment is checked when its last check is older than the
 * interval (6 h by default, each next time jittered by ±10 % so that compartments and servers do not ask their
 * registries all at once); a compartment never checked is due at once. One compartment at a time, so a check
 * never sends more than one request per image. A failed check is logged and retried at the next interval. After
 * each check, `afterCheck` gets its results: the unattended upgrades run there.
 */
import { nextCheckAt } from '../images/update-check.js';
import type { UpdateService } from './updates.js';

export interface UpdateSchedulerOptions {
  intervalMs: number;
  /** How often the schedule is looked at (default 1 min). */
  tickMs?: number;
  now?: () => Date;
  random?: () => number;
  log?: (message: string) => void;
  /** Runs after each compartment's check with its results (the unattended upgrades, notifications). */
  afterCheck?: (id: string, rows: Awaited<ReturnType<UpdateService['check']>>) => Promise<void>;
}

export class UpdateScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  /** When each compartment is due next (decided once per check, with its jitter). */
  private readonly due = new Map<string, number>();

  constructor(
    private readonly compartments: () => readonly string[],
    private readonly updates: Pick<UpdateService, 'check' | 'list'>,
    private readonly options: UpdateSchedulerOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.running ??= this.runDue().finally(() => {
        this.running = undefined;
      });
    };
    this.timer = setInterval(tick, this.options.tickMs ?? 60_000);
    this.timer.unref();
    tick();
  }

  /** Stops the schedule; resolves once a check under way has finished. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Checks every compartment that is due, one after another. */
  async runDue(): Promise<string[]> {
    const now = (this.options.now?.() ?? new Date()).getTime();
    const checked: string[] = [];
    for (const id of this.compartments()) {
      let due = this.due.get(id);
      if (due === undefined) {
        const last = this.updates
          .list(id)
          .map((c) => Date.parse(c.checkedAt))
          .reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
        due = this.next(Number.isFinite(last) ? new Date(last) : undefined);
        this.due.set(id, due);
      }
      if (due > now) continue;
      try {
        const rows = await this.updates.check(id);
        await this.options.afterCheck?.(id, rows);
      } catch (e) {
        this.options.log?.(`update check of ${id} failed: ${(e as Error).message}`);
      }
      this.due.set(id, this.next(new Date(now)));
      checked.push(id);
    }
    for (const id of [...this.due.keys()]) if (!this.compartments().includes(id)) this.due.delete(id);
    return checked;
  }

  private next(last: Date | undefined): number {
    return nextCheckAt(last, this.options.intervalMs, 0.1, this.options.random).getTime();
  }
}
