// The Exec of the unprivileged server. Changes on the machine: what the commands it is given do — a command
// built by session.ts's asUser (run as a compartment's user) is sent to the privileged helper's `run-as` /
// `stream-as`; any other command runs here, as the server's own user, with no privilege (getent, journalctl as a
// member of systemd-journal, systemctl is-active…). Commands that need root and are not a compartment user's
// (useradd, volume folders) are not commands here: they are the helper's verbs (app.ts wires them).
import { CommandError, InvalidError } from '../../core/errors.js';
import { CompartmentIdSchema } from '../../core/ids.js';
import type { Exec, ExecOptions, ExecResult, LineStream, StreamOptions } from '../exec.js';
import { parseAsUser } from '../session.js';
import type { HelperClient } from './client.js';

/** The compartment of a user name `qm-<id>` (a helper user `qm-<id>-<uid>` is none). */
export function compartmentOfUser(user: string) {
  const id = CompartmentIdSchema.safeParse(user.replace(/^qm-/, ''));
  if (!user.startsWith('qm-') || !id.success) throw new InvalidError(`${user} is not a compartment user`);
  return id.data;
}

const text = (input: string | Uint8Array | undefined) =>
  input === undefined ? undefined : typeof input === 'string' ? input : Buffer.from(input).toString('utf8');

export class HelperExec implements Exec {
  constructor(
    private readonly helper: HelperClient,
    private readonly local: Exec,
  ) {}

  async run(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const p = parseAsUser(argv);
    if (!p) return this.local.run(argv, options);
    if (options.inputFile !== undefined) {
      throw new InvalidError('a file as the input of a command run as a compartment user is not supported here');
    }
    const input = text(options.input);
    const r = await this.helper.runAs({
      compartment: compartmentOfUser(p.user),
      argv: p.command,
      env: p.env,
      ...(input !== undefined ? { input } : {}),
      ...(options.inputAsPipe ? { inputAsPipe: true } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    if (!(options.expectCodes ?? [0]).includes(r.code)) {
      throw new CommandError({
        argv: [...argv],
        exitCode: r.code,
        signal: null,
        stdout: r.stdout,
        stderr: r.stderr,
        timedOut: false,
      });
    }
    return r;
  }

  stream(argv: readonly string[], options: StreamOptions = {}): LineStream {
    const p = parseAsUser(argv);
    if (!p) return this.local.stream(argv, options);
    return this.helper.streamAs({
      compartment: compartmentOfUser(p.user),
      argv: p.command,
      env: p.env,
      ...(options.input !== undefined ? { input: text(options.input)! } : {}),
      ...(options.includeStderr ? { includeStderr: true } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
  }
}
