// RegistryCheck over a scripted Exec: one agent process as the compartment user, the request on stdin, and an
// answer taken only when it has the agent's form and answers the images asked.
import { describe, expect, it } from 'vitest';
import { CommandError, InvalidError } from '../core/errors.js';
import type { LinuxUser } from '../core/ids.js';
import { FakeExec } from './fake-exec.js';
import { REGISTRY_AGENT, RegistryCheck } from './registry-check.js';
import { makeSession } from './session.js';

const s = makeSession('qm-web' as LinuxUser, 990, '/var/lib/quadletman/home/qm-web', 991);
const answer = (results: object[]) => ({ stdout: `${JSON.stringify({ results })}\n` });
const A = 'registry.example.org/ns/app:1';
const B = 'registry.example.org/ns/db:2';
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('RegistryCheck', () => {
  it('runs the agent once as the compartment user for all images, with the platform', async () => {
    const results = [
      { image: A, ok: true, digest: DIGEST, mediaType: 'application/vnd.oci.image.index.v1+json' },
      { image: B, ok: false, code: 'unauthorized', message: 'needs a login' },
    ];
    const exec = new FakeExec().on([process.execPath, REGISTRY_AGENT], answer(results));
    const platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
    expect(await new RegistryCheck(exec).check(s, [A, B], platform)).toEqual(results);
    expect(exec.calls).toHaveLength(1);
    const [call] = exec.calls;
    expect(call!.argv.slice(0, 4)).toEqual(['runuser', '-u', 'qm-web', '--']);
    expect(call!.argv).toContain(`HOME=${s.home}`);
    expect(call!.argv.slice(-2)).toEqual([process.execPath, REGISTRY_AGENT]);
    expect(JSON.parse(String((call!.options as { input: string }).input))).toEqual({ images: [A, B], platform });
  });

  it('starts nothing for no images', async () => {
    const exec = new FakeExec();
    expect(await new RegistryCheck(exec).check(s, [])).toEqual([]);
    expect(exec.calls).toHaveLength(0);
  });

  it.each([
    ['an unknown code', [{ image: A, ok: false, code: 'teapot', message: 'x' }]],
    ['a success without digest', [{ image: A, ok: true, mediaType: 'x' }]],
    ['another image', [{ image: B, ok: false, code: 'local', message: 'x' }]],
    ['too few answers', []],
  ])('refuses an answer with %s', async (_, results) => {
    const exec = new FakeExec().on(['runuser'], answer(results));
    const err = await new RegistryCheck(exec).check(s, [A]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidError);
    expect((err as Error).message).toMatch(/^the registry agent of qm-web answered/);
  });

  it('is a command error when the agent gives no JSON', async () => {
    const exec = new FakeExec().on(['runuser'], { stdout: 'boom' });
    const err = await new RegistryCheck(exec).check(s, [A]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as Error).message).toBe('the registry agent of qm-web gave no answer');
  });
});
