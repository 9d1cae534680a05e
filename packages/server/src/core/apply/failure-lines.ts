// Which journal lines of a failed unit say why it failed. A unit's journal mixes what its program (and Podman)
// wrote with systemd's own bookkeeping ("Started …", "Main process exited …", "Killing process 123 (pasta) …"),
// and the bookkeeping comes last, so the last lines rarely say anything. Pure: lines in, the telling lines out.

/** systemd's and conmon's own lines about a unit's life: they say what happened, never why. */
const BOOKKEEPING: readonly RegExp[] = [
  /^(Starting|Started|Stopping|Stopped|Reloading|Reloaded|Finished|Deactivated) /,
  /^Main process exited, /,
  /^Control process exited, /,
  /^Failed with result '/,
  /^Failed to start /,
  /^Consumed .* CPU time/,
  /^Scheduled restart job, /,
  /^Start request repeated too quickly/,
  /^Killing process \d+ /,
  /^Unit process \d+ .* remains running/,
  /^Found left-over process \d+ /,
  /^This usually indicates unclean termination/,
  /^Triggering OnFailure= dependencies/,
  /^State '.*' timed out/,
  /^[0-9a-f]{64}$/, // podman prints the container's id
  /^Job .* (failed|canceled)/,
  /^libpod-conmon-/,
];

/** Lines that carry a reason, Podman's and the generator's first: these are shown even among many others. */
const REASON: readonly RegExp[] = [
  /^Error: /,
  /\blevel=(error|fatal)\b/,
  /^quadlet-generator\[\d+\]: /,
  /\b(unrecognized|unknown|invalid) (option|flag|argument)/i,
  /\b(permission denied|no such file or directory|not found|address already in use|manifest unknown)\b/i,
];

/** systemd names the unit first in its own lines (`web.service: Main process exited, …`). */
const UNIT_PREFIX = /^[A-Za-z0-9_:.@\\-]+\.(service|socket|timer|target|scope): /;

const isBookkeeping = (line: string) => BOOKKEEPING.some((r) => r.test(line.trim().replace(UNIT_PREFIX, '')));
const isReason = (line: string) => REASON.some((r) => r.test(line));

/**
 * The lines of `journal` (oldest first) that say why a unit failed, at most `max`, oldest first: the lines that
 * name an error, else the program's own last lines; systemd's bookkeeping never. Empty when there is nothing
 * but bookkeeping.
 */
export function failureLines(journal: readonly string[], max = 5): string[] {
  const own = journal.map((l) => l.trimEnd()).filter((l) => l.trim() !== '' && !isBookkeeping(l));
  const reasons = own.filter(isReason);
  const picked = reasons.length > 0 ? reasons : own;
  return [...new Set(picked)].slice(-max);
}
