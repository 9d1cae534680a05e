/**
 * The server process of `npm run bench:api`: the real HTTP server (http/server.ts: auth, guard, audit log and
 * every route module) over the store bench/api-seed.ts filled, with the host faked at the adapter: each
 * compartment's host is core/apply's FakeHost whose units all run (as the seeding apply left them), and each
 * systemd query takes a few milliseconds, as `systemctl --user show` would. Prints one JSON line
 * `{port, token, pid}` when it listens, then serves until SIGTERM. Usage: api-server DATA_DIR.
 */
import { FakeHost } from '../packages/server/src/core/apply/fakes';
import { tokenFor } from '../packages/server/src/http/auth/test-support';
import { createTestContext } from '../packages/server/src/http/routes/compartments-test-support';
import { buildServer } from '../packages/server/src/http/server';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: api-server DATA_DIR');
const SYSTEMD_DELAY_MS = Number(process.env.BENCH_SYSTEMD_DELAY_MS ?? 3);

/** Every unit runs; a query takes SYSTEMD_DELAY_MS. */
class RunningHost extends FakeHost {
  override async unitStatuses(units: readonly string[]) {
    await new Promise((r) => setTimeout(r, SYSTEMD_DELAY_MS));
    for (const u of units) this.active.add(u);
    return super.unitStatuses(units);
  }
}

const ctx = createTestContext({ dataDir, hostFor: () => new RunningHost() });
for (const c of ctx.app.compartments.list()) ctx.accounts.add(c.id);
const server = await buildServer(ctx.app, { logger: false, rateLimit: false });
const { token } = tokenFor(server, 'viewer', { username: 'bench' });
if (process.env.BENCH_TOKEN_MEMO) {
  // Measurement aid only (not the server's behaviour): what resolving a token costs, by remembering the
  // answer for a second.
  const auth = server.quadletman.auth;
  const resolve = auth.resolveToken.bind(auth);
  const memo = new Map<string, { at: number; value: ReturnType<typeof resolve> }>();
  auth.resolveToken = (bearer: string) => {
    const hit = memo.get(bearer);
    if (hit && Date.now() - hit.at < 1_000) return hit.value;
    const value = resolve(bearer);
    memo.set(bearer, { at: Date.now(), value });
    return value;
  };
}
await server.listen({ host: '127.0.0.1', port: 0 });
const address = server.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port, token, pid: process.pid })}\n`);

if (process.env.BENCH_MEMORY_LOG) {
  const mb = (n: number) => (n / 1048576).toFixed(1);
  setInterval(() => {
    const m = process.memoryUsage();
    process.stderr.write(
      `memory: rss ${mb(m.rss)} heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} external ${mb(m.external)} MB\n`,
    );
  }, 2_000).unref();
}

const stop = async () => {
  await server.close();
  ctx.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
