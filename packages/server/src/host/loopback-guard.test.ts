import { describe, expect, it } from 'vitest';
import type { GuardedPort } from '../core/edge/guard.js';
import { ForbiddenError, InvalidError } from '../core/errors.js';
import { FakeExec } from './fake-exec.js';
import { GUARD_TABLE, guardScript, LoopbackGuard } from './loopback-guard.js';
import { CompartmentUsers } from './users.js';

const PW: Record<string, string> = {
  'qm-pg': 'qm-pg:x:1001:1001:quadletman compartment:/h/qm-pg:/usr/sbin/nologin',
  'qm-shop': 'qm-shop:x:1002:1002:quadletman compartment:/h/qm-shop:/usr/sbin/nologin',
  'qm-fake': 'qm-fake:x:1003:1003:Someone Else:/home/qm-fake:/bin/bash',
  'qm-zero': 'qm-zero:x:0:0:quadletman compartment:/root:/bin/sh',
  'quadletman-edge': 'quadletman-edge:x:990:990:quadletman edge:/var/lib/quadletman-edge:/usr/sbin/nologin',
};

/** A guard over a FakeExec whose getent knows PW (minus `missing`), and that exec. */
function guardWith(missing: string[] = []) {
  const fx = new FakeExec().on(['getent', 'passwd'], (argv) =>
    PW[argv[2]!] && !missing.includes(argv[2]!) ? { stdout: `${PW[argv[2]!]}\n` } : { code: 2 },
  );
  const users = new CompartmentUsers({ exec: fx, subids: {} as never });
  return { fx, guard: new LoopbackGuard(fx, users) };
}

const port = (p: number, compartments: string[], edge = false): GuardedPort => ({
  port: p,
  compartments,
  edge,
  what: `port ${p}`,
});

describe('guardScript', () => {
  it('replaces the whole table in one script, with root always let in and the uids sorted and unique', () => {
    expect(
      guardScript([
        { port: 20000, uids: [990, 1002] },
        { port: 30000, uids: [1002, 1001, 1002, 0] },
        { port: 30001, uids: [] },
      ]),
    ).toBe(
      [
        'table inet quadletman',
        'delete table inet quadletman',
        'table inet quadletman {',
        '  chain loopback {',
        '    type filter hook output priority filter; policy accept;',
        '    oifname "lo" tcp dport 20000 meta skuid != { 0, 990, 1002 } counter reject with tcp reset',
        '    oifname "lo" tcp dport 30000 meta skuid != { 0, 1001, 1002 } counter reject with tcp reset',
        '    oifname "lo" tcp dport 30001 meta skuid != { 0 } counter reject with tcp reset',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(GUARD_TABLE).toBe('quadletman');
  });

  it('sorts uids as numbers, not as text', () => {
    expect(guardScript([{ port: 20000, uids: [100000, 99, 1000] }])).toContain('{ 0, 99, 1000, 100000 }');
  });

  it('has an empty chain for no ports', () => {
    expect(guardScript([])).toBe(
      'table inet quadletman\ndelete table inet quadletman\ntable inet quadletman {\n  chain loopback {\n    type filter hook output priority filter; policy accept;\n  }\n}\n',
    );
  });

  it('refuses a port or uid that is not one', () => {
    for (const p of [0, -1, 65536, 1.5, Number.NaN]) {
      expect(() => guardScript([{ port: p, uids: [] }]), String(p)).toThrow(InvalidError);
      expect(() => guardScript([{ port: p, uids: [] }]), String(p)).toThrow(`not a port: ${p}`);
    }
    for (const u of [-1, 1.5, 0xffffffff, Number.NaN]) {
      expect(() => guardScript([{ port: 20000, uids: [u] }]), String(u)).toThrow(InvalidError);
      expect(() => guardScript([{ port: 20000, uids: [u] }]), String(u)).toThrow('not a uid');
    }
    expect(guardScript([{ port: 1, uids: [0xfffffffe] }])).toContain('{ 0, 4294967294 }');
  });
});

describe('LoopbackGuard', () => {
  it('resolves compartments to their users’ uids and the edge to its user, looking each name up once', async () => {
    const { fx, guard } = guardWith();
    expect(
      await guard.resolve([port(20000, ['shop'], true), port(30000, ['pg', 'shop']), port(30001, [], false)]),
    ).toEqual([
      { port: 20000, uids: [1002, 990] },
      { port: 30000, uids: [1001, 1002] },
      { port: 30001, uids: [] },
    ]);
    expect(fx.find(['getent', 'passwd']).map((a) => a[2])).toEqual(['qm-shop', 'quadletman-edge', 'qm-pg']);
  });

  it('refuses a user that is not a quadletman compartment user for a compartment, or is root', async () => {
    const { guard } = guardWith();
    const err = await guard.resolve([port(30000, ['fake'])]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as Error).message).toBe('qm-fake is not a quadletman compartment user');
    await expect(guard.resolve([port(30000, ['zero'])])).rejects.toBeInstanceOf(ForbiddenError);
    await expect(guard.resolve([port(30000, ['../root'])])).rejects.toBeInstanceOf(InvalidError);
  });

  it('skips a compartment without a user and a missing edge user', async () => {
    const { guard } = guardWith(['qm-shop', 'quadletman-edge']);
    expect(await guard.resolve([port(20000, ['shop'], true), port(30000, ['pg', 'shop'])])).toEqual([
      { port: 20000, uids: [] },
      { port: 30000, uids: [1001] },
    ]);
  });

  it('loads the script through nft on stdin, never in argv', async () => {
    const { fx, guard } = guardWith();
    await guard.apply([port(30000, ['pg', 'shop']), port(20000, ['shop'], true)]);
    const nft = fx.calls.filter((c) => c.argv[0] === 'nft');
    expect(nft.map((c) => c.argv)).toEqual([['nft', '-f', '-']]);
    const input = (nft[0]!.options as { input?: string }).input!;
    expect(input).toBe(
      guardScript([
        { port: 30000, uids: [1001, 1002] },
        { port: 20000, uids: [1002, 990] },
      ]),
    );
    expect(nft[0]!.argv.join(' ')).not.toMatch(/30000|skuid/);
  });

  it('removes the table for no ports, and loads nothing when a user is refused', async () => {
    const { fx, guard } = guardWith();
    await guard.apply([]);
    expect(fx.calls.map((c) => c.argv)).toEqual([['nft', '-f', '-']]);
    expect((fx.calls[0]!.options as { input?: string }).input).toBe(
      'table inet quadletman\ndelete table inet quadletman\n',
    );
    fx.calls.length = 0;
    await expect(guard.apply([port(30000, ['fake'])])).rejects.toBeInstanceOf(ForbiddenError);
    expect(fx.calls.filter((c) => c.argv[0] === 'nft')).toEqual([]);
  });

  it('lists the table, or says there is none', async () => {
    const { fx, guard } = guardWith();
    fx.on(['nft', 'list'], { stdout: 'table inet quadletman {}\n' });
    expect(await guard.list()).toBe('table inet quadletman {}\n');
    expect(fx.calls.at(-1)!.argv).toEqual(['nft', 'list', 'table', 'inet', 'quadletman']);
    fx.on(['nft', 'list'], { code: 1, stderr: 'No such file or directory' });
    expect(await guard.list()).toBeUndefined();
  });
});
