// Unified diffs of one file, for plans and revisions (git-style headers: `a/path`, `b/path`, /dev/null).

import { createTwoFilesPatch } from 'diff';

/** The unified diff from `before` to `after` (undefined: the file does not exist on that side). */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined, context = 3): string {
  const patch = createTwoFilesPatch(
    before === undefined ? '/dev/null' : `a/${path}`,
    after === undefined ? '/dev/null' : `b/${path}`,
    before ?? '',
    after ?? '',
    '',
    '',
    { context },
  );
  // drop the "=====" separator line the library puts first
  return patch.replace(/^=+\n/, '');
}
