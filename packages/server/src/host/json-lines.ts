/** The JSON objects of output that prints one a line (restic's `--json`, `podman … --format '{{json .}}'`); other lines skipped. */
export function jsonObjectLines(stdout: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // progress or a torn line
    }
  }
  return out;
}
