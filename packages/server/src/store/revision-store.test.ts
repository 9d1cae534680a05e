import { afterEach, describe, expect, it } from 'vitest';
import type { FileSet } from '../core/apply/ports.js';
import { parseSpecText } from '../core/spec.js';
import { BLOG_YAML } from '../core/test-support/specs.js';
import { openStore, type Store } from './index.js';
import { SqliteRevisionStore } from './revision-store.js';

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function setup() {
  const store = openStore({ path: ':memory:' });
  stores.push(store);
  store.compartments.saveState(parseSpecText(BLOG_YAML));
  return { store, revs: new SqliteRevisionStore(store) };
}

const fileSet = (entries: [string, string, number][]): FileSet => ({
  files: new Map(entries.map(([p, t]) => [p, t])),
  modes: new Map(entries.map(([p, , m]) => [p, m])),
});
const at = new Date('2026-02-03T04:05:06.000Z');

describe('SqliteRevisionStore (the apply engine port)', () => {
  it('begin → setPhase → pending → finish', () => {
    const { store, revs } = setup();
    expect(revs.nextRevision('blog')).toBe(1);
    const files = fileSet([['.config/containers/systemd/web.container', '[Container]\nImage=a\n', 0o644]]);
    const previous = fileSet([['.config/quadletman/files/web.env', 'A=0\n', 0o600]]);
    revs.begin(
      { compartment: 'blog', number: 1, files, diff: '+x', actor: 'alice', startedAt: at, spec: { any: 1 } },
      {
        compartment: 'blog',
        revision: 1,
        phase: 'prepared',
        previous,
        units: { stop: ['old.service'], restart: ['web.service'] },
      },
    );
    revs.setPhase('blog', 1, 'written');
    expect(revs.pending()).toEqual([
      {
        compartment: 'blog',
        revision: 1,
        phase: 'written',
        previous,
        units: { stop: ['old.service'], restart: ['web.service'] },
      },
    ]);
    expect(() =>
      revs.begin(
        { compartment: 'blog', number: 2, files, diff: '', actor: 'a', startedAt: at },
        {
          compartment: 'blog',
          revision: 2,
          phase: 'prepared',
          previous,
          units: { stop: [], restart: [] },
        },
      ),
    ).toThrow(/in flight/);
    expect(revs.nextRevision('blog')).toBe(2); // the failed begin left nothing behind
    revs.finish('blog', 1, 'applied', 'ok', at);
    expect(revs.pending()).toEqual([]);
    expect(revs.revision('blog', 1)).toEqual({
      compartment: 'blog',
      number: 1,
      files,
      diff: '+x',
      actor: 'alice',
      startedAt: at,
      finishedAt: at,
      result: 'applied',
      message: 'ok',
      spec: { any: 1 },
    });
    expect(store.revisions.list(store.compartments.list()[0]!.id)).toHaveLength(1);
  });

  it('records a refused revision without a journal', () => {
    const { revs } = setup();
    revs.record({
      compartment: 'blog',
      number: 1,
      files: fileSet([]),
      diff: '',
      actor: 'bob',
      startedAt: at,
      finishedAt: at,
      result: 'refused',
      message: 'lint: web.container: no Image',
    });
    expect(revs.revision('blog', 1)).toMatchObject({ result: 'refused', message: 'lint: web.container: no Image' });
    expect(revs.pending()).toEqual([]);
    expect(revs.nextRevision('blog')).toBe(2);
    expect(revs.revision('blog', 2)).toBeUndefined();
  });
});
