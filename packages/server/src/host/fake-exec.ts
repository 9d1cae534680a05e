// A scripted Exec for unit tests of host adapters and services. Changes nothing on the machine: it
// records every argv and answers from rules instead of running anything.

import { CommandError } from '../core/errors.js';
import type { Exec, ExecOptions, ExecResult, LineStream, StreamEnd, StreamOptions } from './exec.js';

export interface FakeCall {
  argv: string[];
  options: ExecOptions | StreamOptions;
}

type Answer = Partial<ExecResult> | ((argv: readonly string[], options: ExecOptions) => Partial<ExecResult>);

interface Rule {
  match: (argv: readonly string[]) => boolean;
  answer: Answer;
}

/** True when `needle` occurs in `argv` as a contiguous run. */
export const hasRun = (argv: readonly string[], needle: readonly string[]): boolean =>
  argv.some((_, i) => needle.every((n, j) => argv[i + j] === n));

export class FakeExec implements Exec {
  readonly calls: FakeCall[] = [];
  private readonly rules: Rule[] = [];
  private readonly streams: { match: (argv: readonly string[]) => boolean; lines: string[] }[] = [];

  /** Answer commands containing `needle` (a contiguous argv run) — the latest matching rule wins. */
  on(needle: readonly string[] | ((argv: readonly string[]) => boolean), answer: Answer): this {
    const match = typeof needle === 'function' ? needle : (argv: readonly string[]) => hasRun(argv, needle);
    this.rules.unshift({ match, answer });
    return this;
  }

  onStream(needle: readonly string[], lines: string[]): this {
    this.streams.unshift({ match: (argv) => hasRun(argv, needle), lines });
    return this;
  }

  async run(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push({ argv: [...argv], options });
    const rule = this.rules.find((r) => r.match(argv));
    const a = rule ? (typeof rule.answer === 'function' ? rule.answer(argv, options) : rule.answer) : {};
    const res: ExecResult = { code: a.code ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
    if (!(options.expectCodes ?? [0]).includes(res.code)) {
      throw new CommandError({
        argv: [...argv],
        exitCode: res.code,
        signal: null,
        stdout: res.stdout,
        stderr: res.stderr,
        timedOut: false,
      });
    }
    return res;
  }

  stream(argv: readonly string[], options: StreamOptions = {}): LineStream {
    this.calls.push({ argv: [...argv], options });
    const scripted = this.streams.find((s) => s.match(argv))?.lines;
    // no stream rule: a run rule's answer, its stdout as lines and its code as how the stream ended
    const rule = scripted ? undefined : this.rules.find((r) => r.match(argv));
    const a = rule ? (typeof rule.answer === 'function' ? rule.answer(argv, options) : rule.answer) : {};
    const lines = scripted ?? (a.stdout ?? '').split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
    const end: StreamEnd = { code: a.code ?? 0, signal: null, stderr: a.stderr ?? '', stopped: false };
    return {
      lines: {
        async *[Symbol.asyncIterator]() {
          yield* lines;
        },
      },
      stop: async () => end,
      done: Promise.resolve(end),
    };
  }

  /** argv of every call that contains `needle`. */
  find(needle: readonly string[]): string[][] {
    return this.calls.map((c) => c.argv).filter((a) => hasRun(a, needle));
  }
}
