import { describe, expect, it } from 'vitest';
import { knownHostName, parseRepositoryLocation, resticRepo } from './location.js';

describe('repository locations', () => {
  it.each([
    ['/srv/backups/blog', { kind: 'local', path: '/srv/backups/blog' }],
    ['/srv/backups/blog/', { kind: 'local', path: '/srv/backups/blog' }],
    [
      'sftp:bk@nas.example:/srv/restic/blog',
      { kind: 'sftp', user: 'bk', host: 'nas.example', port: 22, path: '/srv/restic/blog' },
    ],
    ['sftp:bk@10.0.0.5:restic/blog', { kind: 'sftp', user: 'bk', host: '10.0.0.5', port: 22, path: 'restic/blog' }],
    ['sftp://bk@nas:2222//srv/x', { kind: 'sftp', user: 'bk', host: 'nas', port: 2222, path: '/srv/x' }],
    ['sftp://bk@nas/x', { kind: 'sftp', user: 'bk', host: 'nas', port: 22, path: 'x' }],
    ['sftp:bk@[::1]:/srv/x', { kind: 'sftp', user: 'bk', host: '[::1]', port: 22, path: '/srv/x' }],
  ])('%s', (raw, want) => {
    expect(parseRepositoryLocation(raw)).toEqual(want);
  });

  it.each([
    ['', /empty/],
    ['relative/folder', /absolute folder/],
    ['/srv/../etc', /\.\. segments/],
    ['/srv/a b', /spaces/],
    ['/srv/a\nb', /control|spaces/],
    ['sftp:-oProxyCommand=sh@host:/x', /not a user name/],
    ['sftp:bk@-oProxyCommand=x:/x', /not a host/],
    ['sftp://bk@nas:0//x', /port 0/],
    ['sftp://bk@nas:70000//x', /port 70000/],
    ['sftp:bk@nas:-x', /must not start with "-"/],
    ['sftp:bk@nas:/srv/../x', /\.\. segments/],
    ['rest:https://host:8000/', /rest repositories are not supported yet/],
    ['s3:host/bucket', /s3 repositories/],
  ])('refuses %j', (raw, why) => {
    expect(() => parseRepositoryLocation(raw)).toThrow(why);
  });

  it('gives restic its repository and ssh its host name', () => {
    const l = parseRepositoryLocation('sftp://bk@nas:2222//srv/x');
    expect(resticRepo(l)).toBe('sftp:bk@nas:/srv/x');
    expect(l.kind === 'sftp' && knownHostName(l)).toBe('[nas]:2222');
    const m = parseRepositoryLocation('sftp:bk@[::1]:/srv/x');
    expect(m.kind === 'sftp' && knownHostName(m)).toBe('::1');
    expect(resticRepo(parseRepositoryLocation('/srv/b'))).toBe('/srv/b');
  });
});
