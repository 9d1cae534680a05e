// Hostile values in `provides:` and `uses:`: every one is refused with an issue at its own path, or, accepted,
// renders exactly the lines a connection adds — one PublishPort= on the provider's unit per service, three
// Environment= lines per use on each container — and nothing else (no line, section or key of its own).
import { getAll, parseUnitFile } from '@quadletman/quadlet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileString, nameish } from '../security/hostile-values.js';
import { render } from './render.js';
import { checkSpec } from './spec.js';
import { LINK_ADDRESS } from './spec-links.js';

const base = {
  version: 1,
  compartment: 'app',
  units: { 'web.container': { container: { image: 'localhost/busybox:latest' } } },
};
const UNIT = '.config/containers/systemd/web.container';
const plain = render(checkSpec(base).state!).files.get(UNIT)!;

const hostileOr = (valid: fc.Arbitrary<string>) => fc.oneof(valid, nameish(valid), hostileString);
const service = hostileOr(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/));
const to = fc.oneof(
  { weight: 2, arbitrary: fc.constant('web:5432') },
  fc.constantFrom('web:80', 'web:5432', 'web:0', 'web:65536', 'nope:80', 'web', 'web:80\nX=1', 'web:80 '),
  hostileString,
);
const as = hostileOr(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/));
const port = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 70_000 }) },
  { weight: 1, arbitrary: hostileString },
);
const compartment = fc.oneof(fc.constant('pg'), nameish(fc.constant('pg')), hostileString);

describe('hostile provides and uses', () => {
  it('are refused at their path, or add exactly the connection lines', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(service, fc.oneof(to, fc.record({ to, port })), as, compartment, port, (s, t, a, c, p) => {
        const spec = {
          ...base,
          provides: { [s]: t },
          uses: [{ compartment: c, service: s, as: a, ...(p === undefined ? {} : { port: p }) }],
        };
        const checked = checkSpec(spec);
        if (checked.issues.length > 0) {
          refused++;
          for (const i of checked.issues)
            expect(i.path === 'provides' || /^(provides|uses)\b/.test(i.path), i.path).toBe(true);
          return;
        }
        accepted++;
        const state = checked.state!;
        // (ports are given at plan time; the render is judged with the ones a plan would give)
        const placed = {
          ...state,
          provides: state.provides.map((x) => ({ ...x, port: x.port ?? 30000 })),
          uses: state.uses.map((u) => ({ ...u, port: 30001 })),
        };
        const text = render(placed).files.get(UNIT)!;
        const added = text.split('\n').filter((l) => !plain.split('\n').includes(l));
        const env = getAll(parseUnitFile(text), 'Container', 'Environment').map((e) => e.value);
        const pub = getAll(parseUnitFile(text), 'Container', 'PublishPort').map((e) => e.value);
        const u = placed.uses[0]!;
        expect(env).toEqual([
          `${u.as}_ADDR=${LINK_ADDRESS}:30001`,
          `${u.as}_HOST=${LINK_ADDRESS}`,
          `${u.as}_PORT=30001`,
        ]);
        expect(pub).toEqual([`127.0.0.1:${placed.provides[0]!.port}:${placed.provides[0]!.to.split(':')[1]}`]);
        expect(added.length).toBe(env.length + pub.length);
      }),
      { numRuns: 2000, seed: 4242 },
    );
    // both sides were exercised
    process.stdout.write(`hostile provides/uses: ${accepted} accepted, ${refused} refused of 2000\n`);
    expect(accepted).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(1000);
  });
});
