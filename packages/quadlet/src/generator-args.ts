/**
 * The podman arguments Podman's Quadlet generator writes for a key, where that changed between releases:
 * what quadletman predicts of a generated `podman run` line (the oracle tests check the prediction against
 * each generator), and the facts behind the linter's and the converters' per-version answers.
 */
import type { PodmanVersion } from './registry/types';
import { compareVersions, NEWEST_PODMAN } from './registry/version';

/**
 * How the generator writes a container's `Entrypoint=` into `podman run` (`ConvertContainer` in
 * pkg/systemd/quadlet/quadlet.go):
 * - `separate`, up to 5.7: two words, `--entrypoint VALUE`, and nothing at all for an empty value, so an empty
 *   `Entrypoint=` leaves the image's entrypoint in place (checked on 5.4.2);
 * - `joined`, from 5.8 on: one word, `--entrypoint=VALUE`, an empty value included (`--entrypoint=`, which
 *   clears the image's entrypoint, as `podman run --entrypoint ""` does). Commit 926f562 (PR 28279, for issue
 *   28213) on the 6.0 development branch, backported to v5.8.2 as 7f37fbd (PR 28475); checked on 5.8.6 and 6.1.1.
 * Versions here are `major.minor`, so `5.8` stands for 5.8.2 and later: 5.8.0 and 5.8.1 still wrote two words
 * and skipped an empty value. A non-empty value means the same to podman in either form.
 */
export type EntrypointForm = 'separate' | 'joined';

/** The form in which Podman `version`'s generator writes `Entrypoint=` (see {@link EntrypointForm}). */
export function entrypointForm(version: PodmanVersion): EntrypointForm {
  return compareVersions(version, '5.8') < 0 ? 'separate' : 'joined';
}

/** Whether Podman `version`'s generator passes an empty `Entrypoint=` on to podman (5.8 on), clearing the image's. */
export const emptyEntrypointClears = (version: PodmanVersion): boolean => entrypointForm(version) === 'joined';

/**
 * The podman arguments that Podman `version`'s generator (default the newest) writes for `Entrypoint=value`,
 * `value` as `Lookup` reads it: ExecStart's words as systemd splits them (before it expands `%` specifiers and
 * `$` variables); none when the key is absent (`undefined`), or empty before 5.8.
 */
export function entrypointArgs(value: string | undefined, version: PodmanVersion = NEWEST_PODMAN): string[] {
  if (value === undefined) return [];
  if (entrypointForm(version) === 'joined') return [`--entrypoint=${value}`];
  return value === '' ? [] : ['--entrypoint', value];
}
