import { describe, expect, it } from 'vitest';
import { InvalidError } from '../errors.js';
import {
  checkCredentials,
  knownHostName,
  parseRepositoryInput,
  parseRepositoryLocation,
  resticRepo,
  s3CredentialsFile,
} from './location.js';

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
    ['rest:https://backup.example:8000/shop/', { kind: 'rest', url: 'https://backup.example:8000/shop' }],
    ['rest:http://127.0.0.1:8765/', { kind: 'rest', url: 'http://127.0.0.1:8765/' }],
    ['rest:http://[::1]:8765', { kind: 'rest', url: 'http://[::1]:8765/' }],
    [
      's3:https://s3.example.com/my-bucket/shop',
      { kind: 's3', url: 'https://s3.example.com/my-bucket/shop', bucket: 'my-bucket' },
    ],
    ['s3:http://minio:9000/bkp', { kind: 's3', url: 'http://minio:9000/bkp', bucket: 'bkp' }],
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
    ['rest:https://user:pw@host:8000/', /must not hold a user or password/],
    ['rest:host:8000/x', /write rest:https:\/\/HOST/],
    ['rest:ftp://host/x', /write rest:https/],
    ['rest:https://-oX=y/x', /not a host name/],
    ['rest:https://host:99999/x', /port 99999/],
    ['rest:https://host/a/../b', /\.\. segments/],
    ['rest:https://host/a%2f..', /% escapes/],
    ['rest:https://host/x?y=1', /write rest:https/],
    ['s3:host/bucket', /write s3:https/],
    ['s3:https://s3.example.com/', /names no bucket/],
    ['s3:https://s3.example.com/Bad_Bucket', /names no bucket/],
    ['b2:bucket:path', /b2 repositories are not supported/],
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

  it("puts a REST server's credentials in the URL, encoded; S3's in an AWS credentials file", () => {
    const rest = parseRepositoryLocation('rest:https://backup.example:8000/shop');
    expect(resticRepo(rest)).toBe('rest:https://backup.example:8000/shop');
    expect(resticRepo(rest, { user: 'shop', secret: 'p@ss/w:rd#1' })).toBe(
      'rest:https://shop:p%40ss%2Fw%3Ard%231@backup.example:8000/shop',
    );
    const s3 = parseRepositoryLocation('s3:https://s3.example.com/bkp/shop');
    expect(resticRepo(s3, { user: 'AKIA1', secret: 's' })).toBe('s3:https://s3.example.com/bkp/shop');
    expect(s3CredentialsFile({ user: 'AKIA1', secret: 'abc/def+g' })).toBe(
      '[default]\naws_access_key_id = AKIA1\naws_secret_access_key = abc/def+g\n',
    );
  });

  it.each([
    [{ user: '', secret: 'x' }, /user: 1 to 256/],
    [{ user: 'a:b', secret: 'x' }, /":"/],
    [{ user: 'a', secret: 'two words' }, /secret: .*no spaces/],
    [{ user: 'a', secret: 'line\nbreak' }, /secret:/],
    [{ user: 'a\n[evil]', secret: 'x' }, /user:/],
  ])('refuses credentials %j', (c, why) => {
    expect(() => checkCredentials(c)).toThrow(why);
  });
});

describe('a location and credentials as given', () => {
  const issues = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidError);
      return (e as InvalidError).details?.issues;
    }
    throw new Error('not refused');
  };

  it('parses the location, and takes credentials only where its kind does', () => {
    expect(parseRepositoryInput('/srv/b', undefined)).toEqual({ kind: 'local', path: '/srv/b' });
    const creds = { user: 'keeper', secret: 's3cret-9' };
    expect(parseRepositoryInput('rest:https://r.example.test/x', creds).kind).toBe('rest');
    expect(parseRepositoryInput('rest:https://r.example.test/x', undefined).kind).toBe('rest');
    expect(parseRepositoryInput('s3:https://s3.example.test/bucket', creds).kind).toBe('s3');
  });

  it('names the field that is wrong', () => {
    expect(issues(() => parseRepositoryInput('relative/x', undefined, 'repository'))).toEqual([
      { path: 'repository', message: expect.stringMatching(/must be an absolute folder/) },
    ]);
    expect(issues(() => parseRepositoryInput('/srv/b', { user: 'u', secret: 'x' }))).toEqual([
      { path: 'credentials', message: 'only a rest: or s3: location takes credentials' },
    ]);
    expect(issues(() => parseRepositoryInput('s3:https://s3.example.test/bucket', undefined))).toEqual([
      { path: 'credentials', message: 'an s3: location needs the access key id and secret access key' },
    ]);
    expect(
      issues(() => parseRepositoryInput('s3:https://s3.example.test/bucket', { user: 'AKIA', secret: 'x#y' })),
    ).toEqual([{ path: 'credentials', message: 'an S3 access key id or secret has no #, ;, quotes or backticks' }]);
    expect(parseRepositoryInput('rest:https://r.example.test/x', { user: 'u', secret: 'x#y;z' }).kind).toBe('rest');
    expect(issues(() => parseRepositoryInput('rest:https://r.example.test/x', { user: 'u', secret: 'a b' }))).toEqual([
      { path: 'credentials', message: expect.stringMatching(/^secret:/) },
    ]);
  });
});
