import { describe, expect, it } from 'vitest';
import { ForbiddenError, InvalidError, NotFoundError } from '../core/errors.js';
import type { LinuxUser } from '../core/ids.js';
import { FakeExec } from './fake-exec.js';
import { makeSession } from './session.js';
import { FILE_AGENT, UserFiles } from './user-files.js';

const s = makeSession('qm-web' as LinuxUser, 990, '/var/lib/quadletman/home/qm-web', 991);
const answer = (results: object[]) => ({ stdout: `${JSON.stringify({ results })}\n` });

describe('UserFiles', () => {
  it('runs one agent process as the compartment user for a whole batch, the request on stdin', async () => {
    const exec = new FakeExec().on([process.execPath, FILE_AGENT], answer([{ ok: true }, { ok: true }]));
    await new UserFiles(exec, s).batch([
      { op: 'write', path: '.config/a', text: 'x' },
      { op: 'remove', path: '.config/b' },
    ]);
    expect(exec.calls).toHaveLength(1);
    const [call] = exec.calls;
    expect(call!.argv.slice(0, 4)).toEqual(['runuser', '-u', 'qm-web', '--']);
    expect(call!.argv.slice(-2)).toEqual([process.execPath, FILE_AGENT]);
    expect(JSON.parse(String((call!.options as { input: string }).input))).toEqual({
      ops: [
        { op: 'write', path: '.config/a', text: 'x' },
        { op: 'remove', path: '.config/b' },
      ],
    });
  });

  it.each([
    ['ENOENT', NotFoundError],
    ['ELOOP', ForbiddenError],
    ['EREFUSED', ForbiddenError],
    ['EACCES', ForbiddenError],
    ['EIO', InvalidError],
  ])('raises the first failure (%s) as quadletman error, naming the user', async (code, type) => {
    const exec = new FakeExec().on(['runuser'], answer([{ ok: false, code, message: 'nope' }]));
    const err = await new UserFiles(exec, s).readFile('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toBe('nope (in the home of qm-web)');
  });

  it('an answer that is not JSON or is short is an error, never success', async () => {
    const bad = new FakeExec().on(['runuser'], { stdout: 'garbage' });
    await expect(new UserFiles(bad, s).remove('x')).rejects.toThrow(/gave no answer/);
    const short = new FakeExec().on(['runuser'], answer([]));
    await expect(new UserFiles(short, s).remove('x')).rejects.toThrow(/answered 0 of 1/);
  });
});
