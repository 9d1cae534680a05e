/**
 * `quadletman sandbox up|down|destroy|status|exec|shell|import-busybox|registry`: the development and test host (Debian
 * 13 with systemd 257 and rootless Podman 5, booted with systemd-nspawn). Every subcommand delegates to
 * scripts/sandbox/sandbox.sh of the checkout quadletman runs from, with an argv array and the terminal
 * passed through; the exit code is the script's (for `exec`, the command's).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { collect } from '../args';

const SCRIPT = 'scripts/sandbox/sandbox.sh';

/** scripts/sandbox/sandbox.sh of the checkout this code runs from (sources or the bundle in dist/). */
export function sandboxScript(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, SCRIPT))) return join(dir, SCRIPT);
  }
  throw new Error(`cannot find ${SCRIPT}: quadletman sandbox works from a quadletman checkout`);
}

/** Run the script with `args`, the terminal passed through; resolves with its exit code. */
export function runSandboxScript(args: readonly string[], script = sandboxScript()): Promise<number> {
  return new Promise((resolve, reject) => {
    // Ctrl-C reaches the script (same process group) and, through it, `shell`/`exec`; we only wait for it.
    const ignore = () => {};
    process.on('SIGINT', ignore);
    const child = spawn(script, [...args], { stdio: 'inherit' });
    child.on('error', (err) => {
      process.off('SIGINT', ignore);
      reject(err);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

/** The script's argv for `exec`. */
export function execArgs(command: readonly string[], opts: { user?: string; env?: string[]; cwd?: string }): string[] {
  const args = ['exec'];
  if (opts.user) args.push('--user', opts.user);
  for (const e of opts.env ?? []) args.push('--env', e);
  if (opts.cwd) args.push('--cwd', opts.cwd);
  return [...args, '--', ...command];
}

export function registerSandbox(program: Command): void {
  const run = async (args: string[]) => {
    process.exitCode = await runSandboxScript(args);
  };
  // `sandbox exec CMD -x …` must hand `-x` to CMD. Commander only passes options through when every
  // ancestor stops parsing options at its subcommand: without this on the root, `quadletman sandbox exec ls
  // -la` reorders `-la` before `ls` and fails with "unknown option". The root has only --help/--version.
  program.enablePositionalOptions();
  const sandbox = program
    .command('sandbox')
    .description('The sandbox host: Debian 13, systemd 257 and rootless Podman 5 in systemd-nspawn (needs root).')
    .enablePositionalOptions();
  sandbox
    .command('up')
    .description('Build the root file system if missing (cached in .cache/sandbox/), boot it, wait until it runs.')
    .action(() => run(['up']));
  sandbox
    .command('down')
    .description('Power the sandbox off cleanly.')
    .action(() => run(['down']));
  sandbox
    .command('destroy')
    .description('Power off and remove the root file system and state.')
    .option('--purge', 'also remove the cached root file system tarball')
    .action((opts: { purge?: boolean }) => run(opts.purge ? ['destroy', '--purge'] : ['destroy']));
  sandbox
    .command('status')
    .description('Show whether the sandbox is up (exit 0) or down (exit 3), and the last timings.')
    .action(() => run(['status']));
  sandbox
    .command('exec')
    .description("Run a command inside, as root or as a user inside that user's systemd --user manager.")
    .option('--user <user>', "run as this user, in the user's systemd --user manager")
    .option('--env <K=V>', 'set an environment variable (repeatable)', collect)
    .option('--cwd <dir>', 'working directory inside the sandbox')
    .argument('<command...>', 'the command and its arguments')
    .passThroughOptions()
    .action((command: string[], opts: { user?: string; env?: string[]; cwd?: string }) => run(execArgs(command, opts)));
  sandbox
    .command('shell')
    .description('An interactive login shell inside (root, or a user in its user manager).')
    .option('--user <user>', 'log in as this user')
    .action((opts: { user?: string }) => run(opts.user ? ['shell', '--user', opts.user] : ['shell']));
  sandbox
    .command('import-busybox')
    .description("Create localhost/busybox:latest in a user's image store from Debian's busybox-static.")
    .argument('<user>', 'the user (root for the system store)')
    .action((user: string) => run(['import-busybox', user]));
  sandbox
    .command('registry')
    .description(
      'Start the image registry inside (registry.sandbox.test:5000: TLS, user demo, test images demo/web:v1, v2, v3).',
    )
    .action(() => run(['registry']));
  // Usage errors of the nested commands reach main's handler (exit 2) like the top-level ones.
  for (const c of sandbox.commands) c.exitOverride().showHelpAfterError();
}
