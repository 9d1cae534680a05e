// Sends notifications off the machine. Changes on the machine: none of its own: it makes outgoing HTTP requests
// (POST, 10 s timeout, redirects not followed) and starts the host's sendmail (`/usr/sbin/sendmail -t -oi`, the
// argv fixed: the recipients are read from the message's headers, never passed as arguments), which queues the
// mail as the mail system does.
import { spawn } from 'node:child_process';
import type { HttpMessage, MailMessage } from '../core/notify/message.js';
import type { NotifyTransport } from '../core/service/notifications.js';

export const SENDMAIL = '/usr/sbin/sendmail';
const BODY_LIMIT = 4096;

export interface NotifyTransportOptions {
  /** Per HTTP request (default 10 s). */
  timeoutMs?: number;
  /** The sendmail program (default /usr/sbin/sendmail; tests give another). */
  sendmailPath?: string;
  /** How long sendmail may take (default 30 s); then it is killed. */
  sendmailTimeoutMs?: number;
}

/** The start of a response body, at most BODY_LIMIT bytes read. */
async function readSome(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8');
}

export class HostNotifyTransport implements NotifyTransport {
  constructor(private readonly options: NotifyTransportOptions = {}) {}

  async http(m: HttpMessage): Promise<{ status: number; body: string }> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    let res: Response;
    try {
      res = await fetch(m.url, {
        method: 'POST',
        headers: m.headers,
        body: m.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError') throw new Error(`no answer within ${timeoutMs / 1000} s`);
      const cause = err.cause?.code ?? err.cause?.message;
      throw new Error(`the request failed${cause ? ` (${cause})` : `: ${err.message}`}`);
    }
    return { status: res.status, body: await readSome(res).catch(() => '') };
  }

  sendmail(m: MailMessage): Promise<{ exitCode: number | null; stderr: string }> {
    const path = this.options.sendmailPath ?? SENDMAIL;
    return new Promise((resolve, reject) => {
      const child = spawn(path, ['-t', '-oi'], {
        stdio: ['pipe', 'ignore', 'pipe'],
        timeout: this.options.sendmailTimeoutMs ?? 30_000,
      });
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (s: string) => {
        if (stderr.length < BODY_LIMIT) stderr += s;
      });
      child.on('error', (e: NodeJS.ErrnoException) =>
        reject(new Error(`could not start ${path} (${e.code ?? e.message})`)),
      );
      child.on('close', (code) => resolve({ exitCode: code, stderr: stderr.slice(0, BODY_LIMIT) }));
      child.stdin.on('error', () => {}); // a sendmail that exits early: its exit code tells
      child.stdin.end(m.text);
    });
  }
}
