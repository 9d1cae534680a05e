/**
 * `quadletman convert compose FILE…` and `quadletman convert run`: a compose project (core/convert/compose), or
 * `podman run` commands (core/convert/run), as a compartment spec. The spec goes to stdout as YAML (or the rendered
 * units as a `.quadlets` bundle), the report of what became of every compose key or run option to stderr;
 * `--format json` prints both as one object on stdout. Reads files only: nothing on the host changes. Exit 0 when
 * converted (whatever the report says), 2 when the input cannot be converted.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { type PodmanVersion, serializeBundle, unitTypeOfFile } from '@quadletman/quadlet';
import { type Command, Option } from 'commander';
import type { ReportEntry } from '../../core/convert/common.js';
import { convertCompose, reportText } from '../../core/convert/compose/index.js';
import { convertRun } from '../../core/convert/run/index.js';
import { areaOf, pathInArea } from '../../core/layout.js';
import { render } from '../../core/render.js';
import { type DesiredState, specToYaml, toSpec } from '../../core/spec.js';
import { hostImageQualifier } from '../../host/registries-conf.js';
import { collect } from '../args';
import { err, out } from '../output';
import { UsageError } from '../usage';
import { parsePodmanVersion } from './lint';

type Format = 'yaml' | 'json' | 'quadlets';
/** What both conversions give: the spec and the report. */
type Converted = { state: DesiredState; report: ReportEntry[] };

interface ConvertOpts {
  project?: string;
  envFile?: string[];
  env?: string[];
  profile?: string[];
  podmanVersion?: PodmanVersion;
  format: Format;
}

const readIfFile = (p: string): string | undefined =>
  existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'utf8') : undefined;

function envPairs(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--env ${p}: expected KEY=VALUE`);
    env[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return env;
}

/** The rendered Quadlet units as one `.quadlets` bundle (config files and timers are not units of a bundle). */
function bundleOf(result: Converted): { text: string; left: string[] } {
  const units = [];
  const left: string[] = [];
  for (const [path, text] of render(result.state).files) {
    const name = pathInArea(path);
    if (areaOf(path) === 'quadlet' && unitTypeOfFile(name) !== undefined && !name.includes('/')) {
      units.push({ name, text });
    } else left.push(name);
  }
  return { text: serializeBundle(units), left };
}

function summary(result: Converted): string {
  const counts = new Map<string, number>();
  for (const e of result.report) counts.set(e.disposition, (counts.get(e.disposition) ?? 0) + 1);
  const parts = ['mapped', 'podman-args', 'dropped', 'needs-input'].map((d) => `${counts.get(d) ?? 0} ${d}`);
  return `${result.report.length} report entries: ${parts.join(', ')}\n`;
}

/** The spec on stdout (YAML, or the units as a bundle) and the report on stderr; or both as JSON on stdout. */
function print(result: Converted, format: Format): void {
  if (format === 'json') {
    out(`${JSON.stringify({ spec: toSpec(result.state), report: result.report })}\n`);
    return;
  }
  if (format === 'quadlets') {
    const { text, left } = bundleOf(result);
    out(text);
    if (left.length > 0) err(`not in the bundle (files of the spec, not units): ${left.join(', ')}\n`);
  } else out(specToYaml(result.state));
  err(reportText(result.report));
  err(summary(result));
}

const podmanVersionOption = () =>
  new Option(
    '--podman-version <X.Y>',
    "the Podman version to target (default: the host's, else the newest known)",
  ).argParser(parsePodmanVersion);
const formatOption = () =>
  new Option('--format <format>', 'output format').choices(['yaml', 'json', 'quadlets']).default('yaml');
const hostVersion = async () => (await import('../../host/podman-version.js')).hostPodmanVersionSync();

interface RunOpts {
  file?: string;
  compartment?: string;
  podmanVersion?: PodmanVersion;
  format: Format;
}

function registerConvertRun(convert: Command): void {
  convert
    .command('run')
    .description(
      'Convert podman run (or docker run, podman create) commands into a compartment spec; the report of every option goes to stderr.',
    )
    .argument('[command...]', 'the command, after -- (one argument: the whole text, as pasted)')
    .option('--file <file>', 'read the commands from a file (- for stdin): one a line, or joined with &&')
    .option('--compartment <name>', "the compartment's name (default: the first container's)")
    .addOption(podmanVersionOption())
    .addOption(formatOption())
    .addHelpText('after', '\nExample:\n  quadletman convert run -- podman run -d --name web -p 8080:80 nginx:1.27\n')
    .action(async (words: string[], opts: RunOpts) => {
      if (opts.file !== undefined && words.length > 0)
        throw new UsageError('give the command with --file or after --, not both');
      let text: string;
      if (opts.file === '-') text = readFileSync(0, 'utf8');
      else if (opts.file !== undefined) {
        const read = readIfFile(resolve(opts.file));
        if (read === undefined) throw new UsageError(`${opts.file}: no such file`);
        text = read;
      } else if (words.length === 1) text = words[0]!;
      else if (words.length > 1) text = words.map(shellQuote).join(' ');
      else throw new UsageError('no command: give it after --, or with --file (- for stdin)');
      const result = convertRun(text, {
        podmanVersion: opts.podmanVersion ?? (await hostVersion()),
        compartment: opts.compartment,
        qualifyImage: await hostImageQualifier(),
      });
      print(result, opts.format);
    });
}

/** A word as the shell would need it to read it back as itself (the command's words came split by the shell). */
function shellQuote(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

export function registerConvert(program: Command): void {
  const convert = program.command('convert').description('Convert other formats into a compartment spec.');
  convert
    .command('compose')
    .description(
      'Convert a compose project (files merged in order) into a compartment spec; the report of every key goes to stderr.',
    )
    .argument('<files...>', "compose files (the first one's folder is the project folder)")
    .option('--project <name>', "the compartment name (default: the name: of the project, else its folder's name)")
    .option(
      '--env-file <file>',
      'env file for interpolation (repeatable; default: .env in the project folder)',
      collect,
    )
    .option('--env <K=V>', 'a variable for interpolation, before the environment (repeatable)', collect)
    .option('--profile <name>', 'enable the services of a profile (repeatable; * for all)', collect)
    .addOption(podmanVersionOption())
    .addOption(formatOption())
    .action(async (files: string[], opts: ConvertOpts) => {
      const sources = files.map((f) => {
        const path = resolve(f);
        const text = readIfFile(path);
        if (text === undefined) throw new UsageError(`${f}: no such file`);
        return { path, text };
      });
      const result = convertCompose({
        files: sources,
        readFile: readIfFile,
        envFiles: opts.envFile?.map((f) => resolve(f)),
        env: envPairs(opts.env ?? []),
        environment: process.env,
        profiles: opts.profile,
        podmanVersion: opts.podmanVersion ?? (await hostVersion()),
        project: opts.project,
        home: homedir(),
        qualifyImage: await hostImageQualifier(),
      });
      print(result, opts.format);
    });
  registerConvertRun(convert);
  for (const c of convert.commands) c.exitOverride().showHelpAfterError();
}
