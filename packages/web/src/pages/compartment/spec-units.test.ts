import { describe, expect, it } from 'vitest';
import { specWithDrafts, unitSources } from './spec-units';

const spec = {
  compartment: 'blog',
  units: {
    'web.container': { container: { image: 'nginx' } },
    'legacy.container': { text: '[Container]\nImage=redis\n' },
    'backup.timer': { timer: { onCalendar: 'daily' }, job: { container: { image: 'busybox' } } },
  },
};

describe('unitSources', () => {
  it('takes raw text from the spec and typed units from the rendered revision', () => {
    const sources = unitSources(spec, {
      '.config/containers/systemd/web.container': { text: '[Container]\nImage=nginx\n' },
    });
    expect(sources).toEqual([
      { path: 'backup.timer', text: null, typed: true, locked: true },
      { path: 'legacy.container', text: '[Container]\nImage=redis\n', typed: false, locked: false },
      { path: 'web.container', text: '[Container]\nImage=nginx\n', typed: true, locked: false },
    ]);
  });
});

describe('specWithDrafts', () => {
  it('stores drafts as raw text units and removes deleted ones, leaving the rest alone', () => {
    const out = specWithDrafts(spec, { 'web.container': '[Container]\nImage=httpd\n', 'legacy.container': null });
    expect(out).toEqual({
      compartment: 'blog',
      units: {
        'web.container': { text: '[Container]\nImage=httpd\n' },
        'backup.timer': spec.units['backup.timer'],
      },
    });
    expect(spec.units['legacy.container']).toBeDefined();
  });
});
