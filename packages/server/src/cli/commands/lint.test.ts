import { describe, expect, it } from 'vitest';
import { scopeOfFolder } from './lint';

describe('the scope a folder says', () => {
  it("is system for the system generator's folders and their subfolders", () => {
    for (const dir of [
      '/etc/containers/systemd',
      '/etc/containers/systemd/web',
      '/usr/share/containers/systemd',
      '/run/containers/systemd/app',
    ]) {
      expect(scopeOfFolder(dir), dir).toBe('system');
    }
  });

  it('is user for their users/ subfolders and anywhere else', () => {
    for (const dir of [
      '/etc/containers/systemd/users',
      '/etc/containers/systemd/users/1000',
      '/usr/share/containers/systemd/users/web',
      '/home/me/.config/containers/systemd',
      '/run/user/1000/containers/systemd',
      '/etc/containers/systemdx',
      '/tmp/set',
    ]) {
      expect(scopeOfFolder(dir), dir).toBe('user');
    }
  });
});
