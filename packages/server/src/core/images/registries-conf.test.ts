import { describe, expect, it } from 'vitest';
import {
  EMPTY_REGISTRIES_CONF,
  mergeRegistriesConf,
  parseRegistriesConf,
  qualify,
  type RegistriesConf,
  RegistriesConfError,
} from './registries-conf.js';

const D = `sha256:${'c3'.repeat(32)}`;

// Fixture data shaped like the alias file distributions ship in registries.conf.d (000-shortnames.conf).
const HUB_ALIASES = {
  alpine: 'docker.io/library/alpine',
  busybox: 'docker.io/library/busybox',
  'team/tool': 'docker.io/team/tool',
} as const;
const SHORTNAMES = `
[aliases]
  # docker hub
${Object.entries(HUB_ALIASES)
  .map(([name, value]) => `  "${name}" = "${value}"`)
  .join('\n')}
`;

const MAIN = `
# main file
unqualified-search-registries = ["registry.example.org", "registry.sandbox.test:5000"]
short-name-mode = "enforcing"

[[registry]]
location = "registry.sandbox.test:5000"
insecure = true

[aliases]
"app" = "registry.example.org/team/app"
`;

const problemsOf = (text: string): string[] => {
  try {
    parseRegistriesConf(text, '/etc/containers/x.conf');
  } catch (e) {
    expect(e).toBeInstanceOf(RegistriesConfError);
    expect((e as RegistriesConfError).path).toBe('/etc/containers/x.conf');
    expect((e as Error).message.startsWith('/etc/containers/x.conf: ')).toBe(true);
    return (e as RegistriesConfError).details!.problems as string[];
  }
  throw new Error('no error');
};

describe('parseRegistriesConf', () => {
  it('reads the search list, the mode and the aliases, and ignores the rest', () => {
    const f = parseRegistriesConf(MAIN, '/etc/containers/registries.conf');
    expect(f.unqualifiedSearchRegistries).toEqual(['registry.example.org', 'registry.sandbox.test:5000']);
    expect(f.shortNameMode).toBe('enforcing');
    expect([...f.aliases]).toEqual([['app', 'registry.example.org/team/app']]);
  });

  it('leaves out what a file does not set', () => {
    const f = parseRegistriesConf(SHORTNAMES, '/etc/containers/registries.conf.d/000-shortnames.conf');
    expect(f.unqualifiedSearchRegistries).toBeUndefined();
    expect(f.shortNameMode).toBeUndefined();
    expect(f.aliases.get('busybox')).toBe(HUB_ALIASES.busybox);
    expect(f.aliases.get('team/tool')).toBe(HUB_ALIASES['team/tool']);
  });

  it('an empty search list is set (it replaces an earlier one); an empty alias resets one', () => {
    const f = parseRegistriesConf('unqualified-search-registries = []\n[aliases]\n"app" = ""\n', 'p');
    expect(f.unqualifiedSearchRegistries).toEqual([]);
    expect(f.aliases.has('app')).toBe(true);
    expect(f.aliases.get('app')).toBeUndefined();
  });

  it('reads the version 1 search list', () => {
    const f = parseRegistriesConf('[registries.search]\nregistries = ["registry.example.org"]\n', 'p');
    expect(f.unqualifiedSearchRegistries).toEqual(['registry.example.org']);
  });

  it('a TOML syntax error names the file, the line and the column', () => {
    expect(problemsOf('unqualified-search-registries = ["a",\n[aliases]\n')).toEqual([
      expect.stringMatching(/^line 2, column \d+: Invalid TOML document/),
    ]);
  });

  it('names every bad value at once', () => {
    expect(
      problemsOf(`
unqualified-search-registries = ["registry.example.org/path", "ok.example.org"]
short-name-mode = "strict"
[aliases]
"registry.example.org/x" = "registry.example.org/x"
"x:1" = "registry.example.org/x"
"short" = "notqualified"
"tagged" = "registry.example.org/t:1"
"digested" = "registry.example.org/t@${D}"
"Bad" = "registry.example.org/b"
"num" = 3
`),
    ).toEqual([
      'unqualified-search-registries: "registry.example.org/path" is not a host[:port]',
      'short-name-mode must be one of enforcing, permissive, disabled, not "strict"',
      'alias "registry.example.org/x": the name must not contain a registry',
      'alias "x:1": the name must not contain a tag or digest',
      'alias "short": "notqualified" must contain a registry and a repository',
      'alias "tagged": "registry.example.org/t:1" must not contain a tag or digest',
      'alias "digested": "registry.example.org/t@sha256:c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3" must not contain a tag or digest',
      'alias "Bad": the name is not a valid image name',
      'alias "num": the value must be a string',
    ]);
  });

  it('refuses wrong types and a v1/v2 mix', () => {
    expect(problemsOf('unqualified-search-registries = "registry.example.org"\n')).toEqual([
      'unqualified-search-registries must be an array of strings',
    ]);
    expect(problemsOf('aliases = 1\n')).toEqual(['[aliases] must be a table']);
    expect(
      problemsOf(
        'unqualified-search-registries = ["a.example.org"]\n[registries.search]\nregistries = ["b.example.org"]\n',
      ),
    ).toEqual(['mixes the version 1 [registries.*] tables with version 2 settings']);
  });
});

describe('mergeRegistriesConf', () => {
  const main = parseRegistriesConf(MAIN, '/etc/containers/registries.conf');
  const names = parseRegistriesConf(SHORTNAMES, '/etc/containers/registries.conf.d/000-shortnames.conf');

  it('a later file adds and overrides aliases, and keeps the settings it does not set', () => {
    const over = parseRegistriesConf('[aliases]\n"app" = "registry.sandbox.test:5000/app"\n', '/d/50-app.conf');
    const c = mergeRegistriesConf([main, names, over]);
    expect(c.unqualifiedSearchRegistries).toEqual(['registry.example.org', 'registry.sandbox.test:5000']);
    expect(c.shortNameMode).toBe('enforcing');
    expect(c.aliases.get('app')).toEqual({ value: 'registry.sandbox.test:5000/app', path: '/d/50-app.conf' });
    expect(c.aliases.get('alpine')?.path).toBe('/etc/containers/registries.conf.d/000-shortnames.conf');
  });

  it('a later search list replaces the earlier one (it is not appended); an empty alias removes one', () => {
    const later = parseRegistriesConf(
      'unqualified-search-registries = ["registry.sandbox.test:5000"]\nshort-name-mode = "permissive"\n[aliases]\n"busybox" = ""\n',
      '/d/90.conf',
    );
    const c = mergeRegistriesConf([main, names, later]);
    expect(c.unqualifiedSearchRegistries).toEqual(['registry.sandbox.test:5000']);
    expect(c.shortNameMode).toBe('permissive');
    expect(c.aliases.has('busybox')).toBe(false);
    expect(c.aliases.has('alpine')).toBe(true);
  });

  it('no files: nothing set', () => {
    expect(mergeRegistriesConf([])).toEqual(EMPTY_REGISTRIES_CONF);
  });
});

describe('qualify', () => {
  const conf: RegistriesConf = mergeRegistriesConf([
    parseRegistriesConf(MAIN, '/etc/containers/registries.conf'),
    parseRegistriesConf(SHORTNAMES, '/etc/containers/registries.conf.d/000-shortnames.conf'),
  ]);

  it('an alias wins over the search list and keeps the tag', () => {
    expect(qualify('app:2', conf)).toEqual({
      fullName: 'registry.example.org/team/app:2',
      via: 'alias',
      candidates: ['registry.example.org/team/app:2'],
      aliasPath: '/etc/containers/registries.conf',
    });
  });

  it('follows the alias table as written (no namespace is added by the code)', () => {
    expect(qualify('busybox', conf)?.fullName).toBe(HUB_ALIASES.busybox);
    expect(qualify(`team/tool@${D}`, conf)?.fullName).toBe(`${HUB_ALIASES['team/tool']}@${D}`);
  });

  it('otherwise prefixes each search registry, in order, keeping tag and digest', () => {
    expect(qualify(`other/thing:1@${D}`, conf)).toEqual({
      fullName: `registry.example.org/other/thing:1@${D}`,
      via: 'search',
      candidates: [`registry.example.org/other/thing:1@${D}`, `registry.sandbox.test:5000/other/thing:1@${D}`],
    });
  });

  it('an alias matches the whole repository path only', () => {
    expect(qualify('team/app', conf)?.via).toBe('search');
    expect(qualify('tool', conf)?.fullName).toBe('registry.example.org/tool');
  });

  it('undefined for a qualified name, or with neither alias nor search registry', () => {
    expect(qualify('registry.example.org/app', conf)).toBeUndefined();
    expect(qualify('localhost/app', conf)).toBeUndefined();
    expect(qualify('app', EMPTY_REGISTRIES_CONF)).toBeUndefined();
  });

  it('refuses an invalid name', () => {
    expect(() => qualify('Bad', conf)).toThrow(/lowercase/);
  });
});
