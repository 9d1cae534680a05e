/**
 * Plan and apply against a faked server: the plan of the drafts (diffs, units to start), then the apply's
 * progress from the event stream and its result — and a failed apply that says why and that the previous
 * revision runs again.
 */
import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTab } from '../../test-support/compartment-tab';
import { PlanApplyTab } from './PlanApply';

const plan = {
  changes: [
    {
      path: '.config/containers/systemd/web.container',
      kind: 'added',
      diff: '--- a/web.container\n+++ b/web.container\n+[Container]\n+Image=busybox\n',
    },
  ],
  unchanged: [],
  units: { start: ['web.service'], restart: [], stop: [] },
  reload: true,
  noop: false,
};

function stream(events: [string, unknown][]): Response {
  const body = events.map(([e, d]) => `event: ${e}\ndata: ${JSON.stringify(d)}\n\n`).join('');
  return new Response(`: apply\n\n${body}`, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

function serve(applyEvents: [string, unknown][]) {
  const calls: { path: string; body: unknown; accept: string }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const path = url.split('?')[0]!;
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      calls.push({ path, body, accept: String((init?.headers as Record<string, string>)?.accept ?? '') });
      const json = (status: number, b: unknown) =>
        new Response(JSON.stringify(b), { status, headers: { 'content-type': 'application/json' } });
      if (path === '/api/auth/session')
        return json(200, { username: 'op', kind: 'session', grants: [{ compartment: '*', role: 'operator' }] });
      if (path === '/api/compartments/blog/spec')
        return json(200, { spec: { compartment: 'blog', units: {} }, yaml: 'compartment: blog\n' });
      if (path === '/api/compartments/blog/plan') return json(200, { plan, diagnostics: [] });
      if (path === '/api/compartments/blog/apply') return stream(applyEvents);
      return json(404, { error: { code: 'not_found', message: `Route GET:${path} not found` } });
    }),
  );
  return calls;
}

const start = () => renderTab('blog', { 'web.container': '[Container]\nImage=busybox\n' }, <PlanApplyTab id="blog" />);

const result = (outcome: string, message: string, revision: number | null) => ({
  outcome,
  revision,
  message,
  plan,
  diagnostics: [],
  dryRun: [],
  units: [],
});

afterEach(() => vi.unstubAllGlobals());

describe('plan and apply', () => {
  it('shows the plan of the drafts, applies with progress, and clears the drafts', async () => {
    const calls = serve([
      ['progress', { step: 'validate', status: 'ok', message: '' }],
      ['progress', { step: 'write', status: 'ok', message: '1 file' }],
      ['progress', { step: 'reload', status: 'ok', message: '' }],
      ['progress', { step: 'start', status: 'ok', message: 'web.service' }],
      ['progress', { step: 'verify', status: 'ok', message: '' }],
      ['result', result('applied', 'applied', 4)],
    ]);
    start();
    await screen.findByText('.config/containers/systemd/web.container');
    expect(screen.getByText('Start (1)')).toBeTruthy();
    expect(screen.getByText('+Image=busybox')).toBeTruthy();
    const planned = calls.find((c) => c.path === '/api/compartments/blog/plan');
    expect(planned?.body).toEqual({
      spec: { compartment: 'blog', units: { 'web.container': { text: '[Container]\nImage=busybox\n' } } },
    });

    fireEvent.click(await screen.findByRole('button', { name: 'Apply' }));
    await screen.findByText('Applied as revision 4.');
    const steps = within(screen.getByRole('list', { name: 'Progress' }));
    expect(steps.getByText('1 file')).toBeTruthy();
    expect(calls.find((c) => c.path === '/api/compartments/blog/apply')?.accept).toContain('text/event-stream');
    expect(sessionStorage.getItem('quadletman.drafts.blog')).toBeNull();
    // the focus is on the outcome (the Apply button has gone with the drafts)
    expect(document.activeElement).toBe(screen.getByTestId('apply-result'));
    expect(document.activeElement?.getAttribute('role')).toBe('status');
  });

  it('a failed apply says why and that the previous revision runs again', async () => {
    serve([
      ['progress', { step: 'validate', status: 'ok', message: '' }],
      ['progress', { step: 'start', status: 'failed', message: 'web.service failed: exit-code' }],
      ['progress', { step: 'rollback', status: 'ok', message: 'revision 3 restored' }],
      ['result', result('rolled-back', 'web.service did not start: exit-code', 5)],
    ]);
    start();
    await screen.findByText('.config/containers/systemd/web.container');
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The apply failed and was rolled back (revision 5).')).toBeTruthy();
    expect(within(alert).getByText('web.service did not start: exit-code')).toBeTruthy();
    expect(within(alert).getByText('The previous revision is running again.')).toBeTruthy();
    expect(screen.getByText('revision 3 restored')).toBeTruthy();
    // the steps it never reached say so, not "waiting" (the apply has ended)
    const steps = within(screen.getByRole('list', { name: 'Progress' }));
    const stateOf = (step: string) => steps.getByText(step).closest('li')!.firstElementChild!.textContent;
    expect(stateOf('Verify')).toBe('not run');
    expect(stateOf('Pull images')).toBe('not run');
    expect(stateOf('Validate')).toBe('done');
    expect(steps.queryByText('waiting')).toBeNull();
    expect(document.activeElement).toBe(alert);
    // The drafts stay, to be fixed and applied again.
    expect(sessionStorage.getItem('quadletman.drafts.blog')).not.toBeNull();
  });
});
