import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../app.js';
import type { LiveEvent } from '../../core/live/events.js';
import { LiveHub } from '../../core/live/hub.js';
import { overviewOf } from './compartments-overview.js';
import { livePublisher } from './live-runtime.js';

const unit = (state: 'active' | 'failed'): LiveEvent =>
  ({ compartment: 'shop', kind: 'unit', name: 'web.service', state, at: '2026-11-23T08:00:00Z' }) as LiveEvent;
const container: LiveEvent = {
  compartment: 'shop',
  kind: 'container',
  name: 'systemd-web',
  state: 'started',
  at: '2026-11-23T08:00:00Z',
} as LiveEvent;

describe('livePublisher', () => {
  it("drops the compartment's cached unit states on a unit event before the streams get it", () => {
    const notes: unknown[] = [];
    const app = { notifications: { emit: (n: unknown) => notes.push(n) } } as unknown as AppContext;
    const hub = new LiveHub();
    const order: string[] = [];
    overviewOf(app).statesChanged = (id: string) => void order.push(`states of ${id}`);
    hub.subscribe((r) => order.push(`stream: ${r.event.kind} ${r.event.state}`));
    const publish = livePublisher(app, hub);
    publish(unit('active')); // a start (by the CLI too: the journal tells)
    publish(container); // container events leave unit states alone
    publish(unit('failed'));
    expect(order).toEqual([
      'states of shop',
      'stream: unit active',
      'stream: container started',
      'states of shop',
      'stream: unit failed',
    ]);
    expect(notes).toHaveLength(1);
  });
});
