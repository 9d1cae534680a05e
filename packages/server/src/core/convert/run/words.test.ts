// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the shell's ${VAR} syntax is what these tests refuse
/**
 * Reading pasted commands as a shell would: quoting, escapes, continuations, several commands; and refusing, with
 * the line and column, everything a shell would expand or run.
 */
import { describe, expect, it } from 'vitest';
import { parseCommand } from './parse.js';
import { RunCommandError, splitCommands } from './words.js';

const texts = (text: string) => splitCommands(text).map((c) => c.map((w) => w.text));

describe('splitting into words', () => {
  it.each([
    ['podman run nginx', ['podman', 'run', 'nginx']],
    [`a 'b c' "d e"`, ['a', 'b c', 'd e']],
    [`a'b'"c"d`, ['abcd']],
    [`'' ""`, ['', '']],
    [`a\\ b \\'c\\"`, ['a b', `'c"`]],
    [`"a \\"q\\" \\\\ \\$x \\n"`, ['a "q" \\ $x \\n']],
    [`'single $HOME \\n "x"'`, ['single $HOME \\n "x"']],
    ['a\t b  ', ['a', 'b']],
    ['echo 100% $ a$ "$"', ['echo', '100%', '$', 'a$', '$']],
    ['a#b # a comment', ['a#b']],
    ['~/x a=b,c:d', ['~/x', 'a=b,c:d']],
  ])('%s', (text, words) => {
    expect(texts(text)).toEqual([words]);
  });

  it('joins continuation lines and splits commands at newlines and &&', () => {
    const text =
      'podman run \\\n  -p 80:80 \\\n  nginx\n\n# the second\npodman run redis &&\n  podman run x&&podman run y\n';
    expect(texts(text)).toEqual([
      ['podman', 'run', '-p', '80:80', 'nginx'],
      ['podman', 'run', 'redis'],
      ['podman', 'run', 'x'],
      ['podman', 'run', 'y'],
    ]);
    const words = splitCommands(text);
    expect(words[0]![4]).toEqual({ text: 'nginx', line: 3, col: 3 });
    expect(words[1]![0]).toMatchObject({ line: 6, col: 1 });
    expect(words[3]![0]).toMatchObject({ line: 7, col: 17 });
  });

  it('keeps newlines inside quotes and continues a line inside double quotes', () => {
    expect(texts(`a 'x\ny' "p\\\nq"`)).toEqual([['a', 'x\ny', 'pq']]);
    expect(splitCommands(`a 'x\ny' b`)[0]![2]).toMatchObject({ line: 2, col: 4 });
  });

  it('reads Windows line ends', () => {
    expect(texts('podman run \\\r\n nginx\r\npodman run b\r\n')).toEqual([
      ['podman', 'run', 'nginx'],
      ['podman', 'run', 'b'],
    ]);
  });
});

describe('refusing what a shell would expand or run, with the column', () => {
  it.each([
    ['podman run a; rm -rf /', /^column 13: ;: a second command: put each podman run on its own line/],
    ['podman run a | tee x', /^column 14: \|: a pipe/],
    ['podman run a || b', /^column 14: \|\|: a pipe/],
    ['podman run a > out', /^column 14: >: a redirection/],
    ['podman run a 2>&1', /^column 15: >: a redirection/],
    ['podman run a < in', /^column 14: <: a redirection/],
    ['podman run a &', /^column 14: &: a command in the background/],
    ['podman run $(echo a)', /^column 12: a command substitution \$\(…\)/],
    ['podman run "x$(id)"', /^column 14: a command substitution/],
    ['podman run `id`', /^column 12: `: a command substitution \(`…`\)/],
    ['podman run "a`id`"', /^column 14: a command substitution/],
    ['podman run -e A=$HOME x', /^column 17: \$HOME: variables are not expanded here; write the value/],
    ['podman run -e "A=${HOME}" x', /^column 18: \$\{HOME\}: variables are not expanded/],
    ["podman run $'a'", /^column 12: \$'…' quoting/],
    ['podman run (a)', /^column 12: \(: a subshell/],
    ["podman run 'abc", /^column 12: the quote ' opened here is not closed/],
    ['podman run "abc', /^column 12: the quote " opened here is not closed/],
    ['podman run a\\', /^column 13: a backslash at the very end/],
    ['&& podman run a', /^column 1: && with no command before it/],
    ['podman run a &&', /^column 15: && with no command after it/],
    ['podman run a\npodman run b; c', /^line 2, column 13: ;/],
  ])('%s', (text, message) => {
    expect(() => splitCommands(text)).toThrow(RunCommandError);
    expect(() => splitCommands(text)).toThrow(message);
  });

  it('takes what is quoted literally', () => {
    expect(texts(`podman run -e 'A=$(x); b | c > d & \`e\`' x`)[0]![3]).toBe('A=$(x); b | c > d & `e`');
    expect(texts(`podman run --health-cmd "a || b; c > /dev/null" x`)[0]![3]).toBe('a || b; c > /dev/null');
  });
});

describe('reading a command', () => {
  const parse = (text: string) => parseCommand(splitCommands(text)[0]!, false);

  it.each([
    ['podman run x', 'podman', 'run'],
    ['podman container run x', 'podman', 'run'],
    ['/usr/bin/podman create x', 'podman', 'create'],
    ['podman container create x', 'podman', 'create'],
    ['docker run x', 'docker', 'run'],
    ['docker container create x', 'docker', 'create'],
  ])('%s', (text, tool, verb) => {
    expect(parse(text)).toMatchObject({ tool, verb, image: { text: 'x' }, options: [], args: [] });
  });

  it('reads long, short, clustered and attached options, -- and the command after the image', () => {
    const c = parse('podman run -dit -p80:80 -p=81:81 -e A=1 --name=web --rm=false -dp 82:82 -- img -x --y z');
    expect(c.options.map((o) => [o.spelled, o.name, o.value])).toEqual([
      ['-d', 'detach', 'true'],
      ['-i', 'interactive', 'true'],
      ['-t', 'tty', 'true'],
      ['-p', 'publish', '80:80'],
      ['-p', 'publish', '81:81'],
      ['-e', 'env', 'A=1'],
      ['--name', 'name', 'web'],
      ['--rm', 'rm', 'false'],
      ['-d', 'detach', 'true'],
      ['-p', 'publish', '82:82'],
    ]);
    expect(c.image.text).toBe('img');
    expect(c.args.map((w) => w.text)).toEqual(['-x', '--y', 'z']);
    expect(parse('docker run --net=host --net-alias a x').options.map((o) => o.name)).toEqual([
      'network',
      'network-alias',
    ]);
  });

  it('keeps unknown options, as flags unless written with =', () => {
    const c = parse('podman run --what --how=much -Z img');
    expect(c.options.map((o) => [o.spelled, o.value, o.unknown])).toEqual([
      ['--what', 'true', true],
      ['--how', 'much', true],
      ['-Z', 'true', true],
    ]);
    expect(c.image.text).toBe('img');
  });

  it.each([
    ['sudo podman run x', /^column 1: sudo: not a podman run or docker run command/],
    ['A=1 podman run x', /^column 1: A=1: not a podman run/],
    ['podman ps', /^column 8: podman ps: only podman run and podman create are converted/],
    ['podman --log-level=debug run x', /^column 8: --log-level=debug: podman's global options are not converted/],
    ['podman', /^column 1: podman without run or create/],
    ['podman run -d --rm', /^column 1: podman run without an image/],
    ['podman run -p', /^column 12: -p needs a value/],
    ['docker run --name', /^column 12: --name needs a value/],
  ])('refuses %s', (text, message) => {
    expect(() => parse(text)).toThrow(message);
  });
});
