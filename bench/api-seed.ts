/**
 * Seeds the store of `npm run bench:api` (a process of its own, so the server's memory holds only what serving
 * needs): COMPARTMENTS compartments of CONTAINERS containers each, created and applied through the compartment
 * service and the real apply engine over core/apply's FakeHost. Usage: api-seed.ts DATA_DIR.
 */
import { createTestContext, specText } from '../packages/server/src/http/routes/compartments-test-support';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: api-seed.ts DATA_DIR');
const COMPARTMENTS = Number(process.env.BENCH_COMPARTMENTS ?? 50);
const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 10);

const ctx = createTestContext({ dataDir });
for (let i = 0; i < COMPARTMENTS; i++) {
  const id = `c${String(i).padStart(2, '0')}`;
  await ctx.app.compartments.create({ id, description: `Compartment ${i}` });
  const r = await ctx.app.compartments.applySpecText(specText(id, CONTAINERS), 'bench', { actor: 'bench' });
  if (r.outcome !== 'applied') throw new Error(`seeding ${id}: ${r.outcome}: ${r.message}`);
}
ctx.close();
