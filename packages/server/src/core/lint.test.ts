import { describe, expect, it } from 'vitest';
import { createTestContext } from '../http/routes/compartments-test-support.js';
import { QUADLET_DIR } from './layout.js';
import { lintRendered } from './lint.js';
import { validateSpec } from './spec.js';

const unit = (name: string, text: string) => new Map([[`${QUADLET_DIR}/${name}`, text]]);

describe('the lint gate: service names', () => {
  // Found by the hostile-input suite (security/hostile.host.test.ts): the generator writes the service of
  // `ServiceName=../../escaped` to `<its folder>/../../escaped.service`, and the host refused the name only at the
  // restart, after the files were written and the generator had run.
  it('refuses a ServiceName that is no unit name quadletman can start, at its line', () => {
    for (const name of ['../../escaped', 'a/b', '--:x', 'a b', '..x', 'x\\y', '\u00e9']) {
      const r = lintRendered(unit('web.container', `[Container]\nImage=localhost/x\nServiceName=${name}\n`));
      expect(r.ok, name).toBe(false);
      expect(r.reports[0]!.diagnostics).toContainEqual(
        expect.objectContaining({ severity: 'error', code: 'quadletman-service-name', line: 3, key: 'ServiceName' }),
      );
    }
  });

  it('takes the names the host takes, and files without a service', () => {
    for (const [name, text] of [
      ['web.container', '[Container]\nImage=localhost/x\nServiceName=web-1_a:b@c\n'],
      ['app.pod', '[Pod]\nServiceName="app"\n'],
      ['web.container', '[Container]\nImage=localhost/x\n'],
      ['x@.container', '[Container]\nImage=localhost/x\n'],
    ] as const) {
      const r = lintRendered(unit(name, text));
      expect(r.reports.flatMap((x) => x.diagnostics).map((d) => d.code)).not.toContain('quadletman-service-name');
    }
  });

  it('refuses such a spec before anything is written', async () => {
    const ctx = createTestContext();
    try {
      await ctx.app.compartments.create({ id: 'h' });
      const spec = (serviceName: string) =>
        validateSpec({
          compartment: 'h',
          units: { 'web.container': { container: { image: 'localhost/x', ServiceName: serviceName } } },
        });
      const r = await ctx.app.compartments.applyState(spec('../../escaped'), { actor: 't', create: false });
      expect(r.outcome).toBe('refused');
      expect(ctx.hosts.get('h')!.calls.filter((c) => c.startsWith('write'))).toEqual([]);
      const ok = await ctx.app.compartments.applyState(spec('web-svc'), { actor: 't', create: false });
      expect(ok.outcome).toBe('applied');
      expect(ctx.hosts.get('h')!.active.has('web-svc.service')).toBe(true);
    } finally {
      ctx.close();
    }
  });
});
