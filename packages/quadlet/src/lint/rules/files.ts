/**
 * Keys that name files next to the unit (Yaml=, ConfigMap=, EnvironmentFile=, File=): relative paths are
 * resolved against the unit's directory, as the generator does, and looked up in the set.
 */
import type { UnitContext } from '../context';

const FILE_KEYS: Record<string, readonly string[]> = {
  container: ['EnvironmentFile'],
  kube: ['Yaml', 'ConfigMap'],
  build: ['File'],
};

const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '');

function normalize(path: string): string | undefined {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

export function checkReferencedFiles(ctx: UnitContext): void {
  for (const key of FILE_KEYS[ctx.type] ?? []) {
    // A build's File= is relative to its working directory, which is the unit's only with SetWorkingDirectory=unit.
    if (key === 'File' && ctx.mainValue('SetWorkingDirectory')?.toLowerCase() !== 'unit') continue;
    for (const e of ctx.mainAll(key)) {
      const v = e.value.trim();
      if (!v || v.startsWith('/') || v.startsWith('%') || /^[a-z]+:\/\//.test(v) || v.startsWith('github.com/'))
        continue;
      const rel = normalize(dirOf(ctx.path) + v);
      if (rel === undefined || ctx.set.paths.has(rel)) continue;
      ctx.report({
        code: 'missing-file',
        node: e,
        message: `${key}=${v}: there is no such file next to the unit; the service will fail when it starts.`,
      });
    }
  }
}
