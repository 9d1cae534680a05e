// Several OS processes allocate subid ranges from the same files at once: the shadow-style lock must
// serialize them (no overlaps, no lost lines, no lock or temp files left behind).

import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseSubid } from './subid.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'qm-subid-mp-'));
  await fsp.writeFile(path.join(dir, 'subuid'), 'alice:100000:65536\n');
  await fsp.writeFile(path.join(dir, 'subgid'), 'alice:100000:65536\n');
  await fsp.writeFile(
    path.join(dir, 'worker.mts'),
    `import { SubidAllocator } from ${JSON.stringify(path.join(here, 'subid.ts'))};
const [d, who, n] = process.argv.slice(2);
const a = new SubidAllocator({ subuid: d + '/subuid', subgid: d + '/subgid', loginDefs: d + '/login.defs' });
for (let i = 0; i < Number(n); i++) await a.allocate('qm-' + who + '-' + i);
`,
  );
});
afterAll(() => fsp.rm(dir, { recursive: true, force: true }));

function worker(who: string, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const tsx = path.join(here, '../../../../node_modules/tsx/dist/cli.mjs');
    const p = spawn(process.execPath, [tsx, path.join(dir, 'worker.mts'), dir, who, String(n)], { stdio: 'inherit' });
    p.on('error', reject);
    p.on('close', (code) => resolve(code ?? -1));
  });
}

it('serializes allocations across processes', async () => {
  const codes = await Promise.all(['p', 'q', 'r', 's'].map((w) => worker(w, 5)));
  expect(codes).toEqual([0, 0, 0, 0]);
  for (const f of ['subuid', 'subgid']) {
    const entries = parseSubid(await fsp.readFile(path.join(dir, f), 'utf8'));
    expect(entries.length).toBe(21);
    for (const x of entries) {
      for (const y of entries) {
        if (x !== y) expect(x.start < y.start + y.count && y.start < x.start + x.count).toBe(false);
      }
    }
  }
  expect((await fsp.readdir(dir)).sort()).toEqual(['subgid', 'subuid', 'worker.mts']);
}, 60_000);
