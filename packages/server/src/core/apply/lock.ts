/**
 * In-process apply locks: one apply per compartment at a time; later callers queue (or are refused).
 * The host adapter adds a cross-process lock file on top (two quadletman processes on one host).
 */
import { ConflictError } from '../errors.js';
import type { ApplyLocks } from './ports.js';

export class MemoryLocks implements ApplyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async acquire(compartment: string, wait: boolean): Promise<() => void> {
    const previous = this.tails.get(compartment);
    if (previous && !wait) {
      throw new ConflictError(
        `An apply of compartment '${compartment}' is already running; try again when it has finished.`,
      );
    }
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = (previous ?? Promise.resolve()).then(() => mine);
    this.tails.set(compartment, tail);
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      if (this.tails.get(compartment) === tail) this.tails.delete(compartment);
    };
  }
}
