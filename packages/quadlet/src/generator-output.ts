/**
 * Reads what Podman's Quadlet generator prints in dry-run mode (`quadlet -dryrun`): the generated service
 * units on stdout, and on stderr one line per file it could not load or convert. Pure text in, verdicts out,
 * so the host adapter, the oracle tests and the CLI's `explain` share one reading.
 */

export interface GeneratorVerdict {
  /** The Quadlet file name (`web.container`). */
  file: string;
  ok: boolean;
  /** The generator's own reason when it rejected the file. */
  reason?: string;
}

export interface GeneratorResult {
  /** Generated units by service file name (`web.service`). */
  units: Map<string, string>;
  /** Per-file rejections, by Quadlet file name. */
  rejected: Map<string, string>;
  /** Files named in "error loading" lines: a load error stops the generator for the whole set. */
  loadErrors: Map<string, string>;
  /** Warnings the generator printed, by file name when it named one. */
  warnings: string[];
  /** The generator crashed (a Go panic) or printed something it never prints for a good run. */
  crashed: boolean;
  /** The generator found nothing to do ("No files parsed"). */
  nothingParsed: boolean;
  /** Every other line it printed (progress lines excepted), in order: for showing to a person. */
  other: string[];
}

const HEADER = /^---(.+)---$/;
// `converting "web.container": reason` (the reason may quote the file's path at the end)
const CONVERTING = /converting "([^"]+)": (.*)$/s;
// `error loading "/dir/web.container", reason`
const LOADING = /error loading "([^"]+)",? ?(.*)$/s;

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** Splits `---name.service---` sections of the generator's stdout into units. */
export function parseGeneratedUnits(stdout: string): Map<string, string> {
  const units = new Map<string, string>();
  let name: string | undefined;
  let body: string[] = [];
  const flush = () => {
    if (name !== undefined) units.set(name, `${body.join('\n').replace(/\n+$/, '')}\n`);
  };
  for (const line of stdout.split('\n')) {
    const m = HEADER.exec(line);
    if (m) {
      flush();
      name = m[1]!;
      body = [];
    } else if (name !== undefined) {
      body.push(line);
    }
  }
  flush();
  return units;
}

export function parseGeneratorOutput(stdout: string, stderr: string): GeneratorResult {
  const rejected = new Map<string, string>();
  const loadErrors = new Map<string, string>();
  const warnings: string[] = [];
  let crashed = false;
  let nothingParsed = false;
  const other: string[] = [];
  for (const raw of stderr.split('\n')) {
    // The generator prefixes its lines with `quadlet-generator[PID]: ` when it logs to the console.
    const line = raw.replace(/^quadlet-generator\[\d+\]: /, '');
    if (!line.trim()) continue;
    let m = CONVERTING.exec(line);
    if (m) {
      rejected.set(baseName(m[1]!), m[2]!.trim());
      continue;
    }
    m = LOADING.exec(line);
    if (m) {
      loadErrors.set(baseName(m[1]!), m[2]!.trim());
      continue;
    }
    if (line.startsWith('Loading source unit file')) continue;
    if (line.startsWith('No files parsed')) nothingParsed = true;
    else if (line.startsWith('panic:') || line.startsWith('fatal error:')) crashed = true;
    else if (line.startsWith('Warning:')) warnings.push(line.slice('Warning:'.length).trim());
    if (!line.startsWith('Warning:')) other.push(line.trim());
  }
  return { units: parseGeneratedUnits(stdout), rejected, loadErrors, warnings, crashed, nothingParsed, other };
}

/** Per-file verdicts for the files of a set, as the generator judged them. */
export function generatorVerdicts(files: readonly string[], result: GeneratorResult): GeneratorVerdict[] {
  return files.map((file) => {
    const reason = result.loadErrors.get(file) ?? result.rejected.get(file);
    if (reason !== undefined) return { file, ok: false, reason };
    if (result.crashed) return { file, ok: false, reason: 'the generator crashed' };
    return { file, ok: true };
  });
}
