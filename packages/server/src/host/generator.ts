// The host's Quadlet generator in dry-run mode. Changes on the machine: the compartment user's file agent
// (user-files.ts) creates a staging folder under its home (~/.cache/quadletman/dryrun-*), writes the unit
// files to check into it, runs `quadlet -dryrun -user` over it, and removes the folder again (and any that an
// agent which died left behind). All of it as the compartment user: root never touches the staging folder.
//
// Verdicts come from stderr, not from the exit code: quadlet exits 1 when any file fails but still prints
// every unit it could generate, and reports each failure as `converting "FILE": REASON` (conversion) or
// `error loading "PATH", REASON` (syntax; such an error stops the whole run).

import * as path from 'node:path';
import { parseGeneratorOutput } from '@quadletman/quadlet';
import { CommandError, NotFoundError } from '../core/errors.js';
import type { Exec } from './exec.js';
import { pathExists } from './fs.js';
import type { CompartmentSession } from './session.js';
import { UserFiles } from './user-files.js';

/** Where dry runs are staged, under the home. */
export const STAGING_DIR = '.cache/quadletman';

export const GENERATOR_CANDIDATES = [
  '/usr/libexec/podman/quadlet',
  '/usr/lib/podman/quadlet',
  '/usr/lib/systemd/user-generators/podman-user-generator',
  '/usr/lib/systemd/system-generators/podman-system-generator',
] as const;

export type VerdictStatus = 'ok' | 'error' | 'not-generated';

export interface FileVerdict {
  file: string;
  status: VerdictStatus;
  /** The generator's reasons for this file (empty when ok). */
  messages: string[];
  /** Names of the units generated from this file (via their SourcePath=). */
  units: string[];
}

export interface DryRunResult {
  verdicts: FileVerdict[];
  /** Generated unit name → text, sorted by name. */
  units: Record<string, string>;
  /** stderr lines that name no file (e.g. "No files parsed from […]"). */
  otherMessages: string[];
  exitCode: number;
}

/** Per-file verdicts from the generator's stdout + stderr for the staged `files` (base names); the reading of
 * the output itself is @quadletman/quadlet's, shared with the linter's oracle tests and `quadletman explain`. */
export function parseDryRun(stdout: string, stderr: string, files: readonly string[], exitCode: number): DryRunResult {
  const out = parseGeneratorOutput(stdout, stderr);
  const units = Object.fromEntries([...out.units].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const bySource = new Map<string, string[]>();
  for (const [name, text] of Object.entries(units)) {
    // lines are what systemd splits on, \n alone: a regexp's ^ and $ also match at U+2028/U+2029, so a copied
    // Description holding one and then `SourcePath=` would name another file
    const src = text
      .split('\n')
      .find((l) => l.startsWith('SourcePath='))
      ?.slice('SourcePath='.length);
    if (!src) continue;
    const base = path.basename(src.trim());
    bySource.set(base, [...(bySource.get(base) ?? []), name]);
  }
  const known = new Set(files);
  const otherMessages = [
    ...out.other,
    ...[...out.loadErrors, ...out.rejected].filter(([f]) => !known.has(f)).map(([f, m]) => `${f}: ${m}`),
  ];
  const verdicts = files.map((file): FileVerdict => {
    const reason =
      out.loadErrors.get(file) ?? out.rejected.get(file) ?? (out.crashed ? 'the generator crashed' : undefined);
    const gen = bySource.get(file) ?? [];
    const status: VerdictStatus = reason !== undefined ? 'error' : gen.length > 0 ? 'ok' : 'not-generated';
    return { file, status, messages: reason === undefined ? [] : [reason], units: gen };
  });
  return { verdicts, units, otherMessages, exitCode };
}

/** Quadlet source files are the ones the generator reads; drop-ins (`x.container.d/`) are not supported here. */
const SOURCE_RE = /\.(container|pod|network|volume|image|build|kube|artifact)$/;

export class QuadletGenerator {
  private binary: string | undefined;

  constructor(
    private readonly exec: Exec,
    options: { binary?: string } = {},
  ) {
    this.binary = options.binary;
  }

  /** The generator binary on this host. */
  async locate(): Promise<string> {
    if (this.binary) return this.binary;
    for (const c of GENERATOR_CANDIDATES) {
      if (await pathExists(c)) {
        this.binary = c;
        return c;
      }
    }
    throw new NotFoundError(`no Quadlet generator found (looked at ${GENERATOR_CANDIDATES.join(', ')})`);
  }

  /**
   * Dry-run the generator as the compartment user over exactly `files` (name → content), staged in a
   * fresh folder under the user's home. Files that are not Quadlet sources (e.g. `.timer`) are staged
   * too (a .container may reference them) but get no verdict.
   */
  async dryRun(s: CompartmentSession, files: Readonly<Record<string, string>>): Promise<DryRunResult> {
    const bin = await this.locate();
    for (const name of Object.keys(files)) {
      if (name.includes('/') || name.startsWith('.')) throw new NotFoundError(`bad staged file name ${name}`);
    }
    const r = await new UserFiles(this.exec, s).dryRun(bin, STAGING_DIR, files);
    if (r.code !== 0 && r.code !== 1) {
      throw new CommandError({
        argv: [bin, '-dryrun', '-user'],
        exitCode: r.code,
        signal: r.signal,
        stdout: r.stdout,
        stderr: r.stderr,
        timedOut: false,
      });
    }
    const sources = Object.keys(files)
      .filter((f) => SOURCE_RE.test(f))
      .sort();
    return parseDryRun(r.stdout, r.stderr, sources, r.code);
  }
}
