import { describe, expect, it } from 'vitest';
import { CommandError } from '../core/errors.js';
import { run, stream } from './exec.js';

describe('run', () => {
  it('captures stdout, stderr and the exit code', async () => {
    const r = await run(['sh', '-c', 'echo out; echo err >&2; exit 3'], { expectCodes: [0, 3] });
    expect(r).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('passes argv verbatim, never through a shell', async () => {
    const r = await run(['printf', '%s|', '$HOME', 'a b', '; rm -rf /']);
    expect(r.stdout).toBe('$HOME|a b|; rm -rf /|');
  });

  it('raises CommandError with argv, code and stderr on an unexpected code', async () => {
    const e = await run(['sh', '-c', 'echo boom >&2; exit 2']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CommandError);
    const ce = e as CommandError;
    expect(ce.code).toBe('command_failed');
    expect(ce.exitCode).toBe(2);
    expect(ce.stderr).toBe('boom\n');
    expect(ce.argv).toEqual(['sh', '-c', 'echo boom >&2; exit 2']);
    expect(ce.timedOut).toBe(false);
  });

  it('does not judge success by stderr', async () => {
    const r = await run(['sh', '-c', 'echo warning >&2']);
    expect(r.code).toBe(0);
  });

  it('feeds input on stdin', async () => {
    const r = await run(['cat'], { input: 's3cret\n' });
    expect(r.stdout).toBe('s3cret\n');
  });

  it('merges env', async () => {
    const r = await run(['sh', '-c', 'echo "$QM_X:$LC_ALL"'], { env: { QM_X: 'y' } });
    expect(r.stdout).toBe('y:C.UTF-8\n');
  });

  it('times out: SIGTERM, then SIGKILL for the whole process group', async () => {
    const t0 = Date.now();
    const e = (await run(['sh', '-c', "trap '' TERM; sleep 30 & wait"], { timeoutMs: 200, killGraceMs: 200 }).catch(
      (x: unknown) => x,
    )) as CommandError;
    expect(e).toBeInstanceOf(CommandError);
    expect(e.timedOut).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('reports a missing program as CommandError', async () => {
    const e = await run(['/nonexistent/qm-nothing']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CommandError);
    expect((e as CommandError).exitCode).toBe(null);
  });
});

describe('stream', () => {
  it('yields lines, including a last line without newline', async () => {
    const s = stream(['sh', '-c', 'printf "a\\nb\\nc"']);
    const got: string[] = [];
    for await (const l of s.lines) got.push(l);
    expect(got).toEqual(['a', 'b', 'c']);
    expect((await s.done).code).toBe(0);
  });

  it('stop() ends an endless stream', async () => {
    const s = stream(['sh', '-c', 'while :; do echo tick; sleep 0.05; done']);
    const got: string[] = [];
    for await (const l of s.lines) {
      got.push(l);
      if (got.length === 3) await s.stop();
    }
    const end = await s.done;
    expect(end.stopped).toBe(true);
    expect(got.length).toBeGreaterThanOrEqual(3);
  });

  it('breaking out of the loop stops the process', async () => {
    const s = stream(['sh', '-c', 'while :; do echo tick; sleep 0.05; done']);
    for await (const _ of s.lines) break;
    expect((await s.done).stopped).toBe(true);
  });
});

describe('run with inputAsPipe', () => {
  it('gives stdin as a FIFO that ends after the input', async () => {
    const r = await run(['sh', '-c', 'test -p /dev/stdin && cat'], { input: 'via fifo', inputAsPipe: true });
    expect(r.stdout).toBe('via fifo');
  });
});

describe('stream backpressure', () => {
  it('delivers every line of a large output to a slow consumer', async () => {
    const s = stream(['seq', '1', '50000']);
    let n = 0;
    let last = '';
    for await (const l of s.lines) {
      n++;
      last = l;
      if (n % 5000 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(n).toBe(50000);
    expect(last).toBe('50000');
  });
});
