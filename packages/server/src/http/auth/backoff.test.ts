import { describe, expect, it } from 'vitest';
import { addressKey, LoginBackoff } from './backoff.js';

function backoff(o: { free?: number; addressFree?: number } = {}) {
  let t = 0;
  const b = new LoginBackoff({ now: () => t, ...o });
  const advance = (ms: number) => {
    t += ms;
  };
  /** Fails `n` times as `user` at `address`, waiting out every wait first (the attacker is patient). */
  const failPatiently = (n: number, user: string, address: string) => {
    for (let i = 0; i < n; i++) {
      advance(b.waitMs(user, address));
      b.fail(user, address);
    }
  };
  return { b, advance, failPatiently };
}

describe('LoginBackoff', () => {
  it('50 failures for alice at A delay A, never alice at B', () => {
    const { b, failPatiently } = backoff();
    failPatiently(50, 'alice', '203.0.113.66');
    expect(b.waitMs('alice', '203.0.113.66')).toBeGreaterThan(0);
    expect(b.waitMs('Alice', '203.0.113.66')).toBeGreaterThan(0);
    expect(b.waitMs('bob', '203.0.113.66')).toBeGreaterThan(0); // the address as a whole
    expect(b.waitMs('alice', '198.51.100.7')).toBe(0);
  });

  it('counts one user name at one address from the free failures on, doubling up to the longest wait', () => {
    const { b, advance } = backoff();
    for (let i = 0; i < 3; i++) b.fail('alice', '10.0.0.1');
    expect(b.waitMs('alice', '10.0.0.1')).toBe(0);
    b.fail('alice', '10.0.0.1');
    expect(b.waitMs('alice', '10.0.0.1')).toBe(1000);
    advance(1000);
    b.fail('alice', '10.0.0.1');
    expect(b.waitMs('alice', '10.0.0.1')).toBe(2000);
    for (let i = 0; i < 40; i++) b.fail('alice', '10.0.0.1');
    expect(b.waitMs('alice', '10.0.0.1')).toBe(15 * 60_000);
  });

  it('slows an address spraying many user names, after more free failures', () => {
    const { b } = backoff();
    for (let i = 0; i < 10; i++) b.fail(`user${i}`, '10.0.0.9');
    expect(b.waitMs('someone-else', '10.0.0.9')).toBe(0);
    b.fail('user10', '10.0.0.9');
    expect(b.waitMs('someone-else', '10.0.0.9')).toBe(1000);
    expect(b.waitMs('someone-else', '10.0.0.10')).toBe(0);
  });

  it('a success clears that user name at that address only, never the address count', () => {
    const { b } = backoff({ addressFree: 5 });
    for (let i = 0; i < 4; i++) b.fail('alice', '10.0.0.1');
    for (let i = 0; i < 4; i++) b.fail('mallory', '10.0.0.2');
    for (let i = 0; i < 4; i++) b.fail('alice', '10.0.0.2');
    b.succeed('mallory', '10.0.0.2'); // the attacker's own account
    expect(b.waitMs('alice', '10.0.0.2')).toBeGreaterThan(0);
    expect(b.waitMs('mallory', '10.0.0.2')).toBeGreaterThan(0); // the address still waits
    b.succeed('alice', '10.0.0.1');
    expect(b.waitMs('alice', '10.0.0.1')).toBe(0);
  });

  it('forgets a key an hour after its last failure', () => {
    const { b, advance } = backoff();
    for (let i = 0; i < 20; i++) b.fail('alice', '10.0.0.1');
    advance(60 * 60_000 + 1);
    expect(b.waitMs('alice', '10.0.0.1')).toBe(0);
    b.fail('alice', '10.0.0.1');
    expect(b.waitMs('alice', '10.0.0.1')).toBe(0);
  });

  it('counts an IPv6 address by its /64', () => {
    const { b } = backoff();
    for (let i = 0; i < 11; i++) b.fail(`user${i}`, `2001:db8:1:2::${i.toString(16)}`);
    expect(b.waitMs('x', '2001:db8:1:2:ffff::1')).toBeGreaterThan(0);
    expect(b.waitMs('x', '2001:db8:1:3::1')).toBe(0);
  });
});

describe('addressKey', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0DB8:0001:0002:0003:0004:0005:0006', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['not-an-address', 'not-an-address'],
  ])('%s → %s', (address, key) => expect(addressKey(address)).toBe(key));
});
