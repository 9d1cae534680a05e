// The host's Quadlet generator in dry-run mode. Changes on the machine: creates a staging folder under
// the compartment's home (~/.cache/quadletman/dryrun-*), writes the unit files to check into it, runs
// `quadlet -dryrun -user` over it as the compartment user, and removes the folder again.
//
// Verdicts come from stderr, not from the exit code: quadlet exits 1 when any file fails but still prints
// every unit it could generate, and reports each failure as `converting "FILE": REASON` (conversion) or
// `error loading "PATH", REASON` (syntax; such an error stops the whole run).

import * as path from 'node:path';
import { parseGeneratorOutput } from '@quadletman/quadlet';
import { NotFoundError } from '../core/errors.js';
import type { Exec } from './exec.js';
import { ConfinedFs, pathExists } from './fs.js';
import { asUser, type CompartmentSession } from './session.js';

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
    const src = /^SourcePath=(.+)$/m.exec(text)?.[1];
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
    const home = new ConfinedFs(s.home);
    const owner = await home.ownerOfRoot();
    const stage = `.cache/quadletman/dryrun-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    await home.mkdirp(stage, { owner, mode: 0o700 });
    try {
      const names = Object.keys(files);
      for (const name of names) {
        if (name.includes('/') || name.startsWith('.')) throw new NotFoundError(`bad staged file name ${name}`);
      }
      // scratch files, removed below: side by side, and not flushed to disk
      await Promise.all(
        names.map((name) =>
          home.writeFileAtomic(`${stage}/${name}`, files[name]!, { owner, mode: 0o600, durable: false }),
        ),
      );
      const dir = path.join(s.home, stage);
      const r = await this.exec.run(asUser(s, [bin, '-dryrun', '-user'], { QUADLET_UNIT_DIRS: dir }), {
        expectCodes: [0, 1],
        timeoutMs: 60_000,
      });
      const sources = Object.keys(files)
        .filter((f) => SOURCE_RE.test(f))
        .sort();
      return parseDryRun(r.stdout, r.stderr, sources, r.code);
    } finally {
      await home.remove(stage, { recursive: true });
    }
  }
}
