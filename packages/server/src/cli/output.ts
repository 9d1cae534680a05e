/**
 * The CLI's output, written straight to file descriptors 1 and 2 and synchronously.
 *
 * - A one-shot command exits right after its work. Node writes to a pipe asynchronously, so output still
 *   queued when the process exits is lost: a long report (`quadletman lint --format json | jq`) was cut off
 *   at the pipe's 64 KiB. A synchronous write is out when it returns.
 * - process.stdout and process.stderr are built on node's stream modules (a pipe is a net.Socket). Never
 *   touching them spares a short command loading those modules: about 15 ms of a lint of an empty folder.
 *
 * `serve` (it stays up) and the password prompt (it reads the terminal) keep using the streams; so may node
 * itself (a warning). cli/run.ts therefore waits for the streams that exist before it exits ({@link openStreams}).
 */
import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

function writeAll(fd: number, text: string): void {
  const data = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < data.length) {
    try {
      done += writeSync(fd, data, done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN')
        Atomics.wait(pause, 0, 0, 1); // a full non-blocking pipe: let its reader catch up
      else if (code === 'EPIPE')
        return; // the reader has gone (`| head`): the rest has nowhere to go
      else throw e;
    }
  }
}

/** Writes to standard output. */
export const out = (text: string): void => writeAll(1, text);

/** Writes to standard error. */
export const err = (text: string): void => writeAll(2, text);

// process.stdout and process.stderr are made on first use; note which ones were.
const made = new Set<NodeJS.WriteStream>();
for (const name of ['stdout', 'stderr'] as const) {
  const d = Object.getOwnPropertyDescriptor(process, name);
  const get = d?.get;
  if (!d?.configurable || !get) continue;
  Object.defineProperty(process, name, {
    ...d,
    get() {
      const stream = get.call(process) as NodeJS.WriteStream;
      made.add(stream);
      return stream;
    },
  });
}

/** The standard streams something has used (only they can hold output not yet written). */
export const openStreams = (): NodeJS.WriteStream[] => [...made];
