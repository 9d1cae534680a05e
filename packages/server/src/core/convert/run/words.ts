// Pasted `podman run` commands as shell words: quotes ('…', "…"), backslash escapes and `\`-newline
// continuations as a POSIX shell reads them; commands end at a newline or `&&`; `#` starts a comment. What a
// shell would expand or run (variables, `$(…)`, backticks) and other shell syntax (`;`, pipes, redirections, `&`,
// subshells) is refused with its line and column: the text is read, never run, so nothing may depend on a shell.

import { InvalidError } from '../../errors.js';

/** A `podman run` text that cannot be read (invalid input: the CLI exits 2, the API answers 400). */
export class RunCommandError extends InvalidError {
  override readonly name: string = 'RunCommandError';
}

export interface Word {
  text: string;
  /** Where the word starts (1-based). */
  line: number;
  col: number;
}

/** Where a word is, as messages say it: `column 7`, or `line 2, column 7` when the text has several lines. */
export const where = (w: { line: number; col: number }, multiline: boolean) =>
  multiline ? `line ${w.line}, column ${w.col}` : `column ${w.col}`;

const REFUSED: Record<string, string> = {
  ';': 'a second command: put each podman run on its own line, or join them with &&',
  '|': 'a pipe (only podman run commands are converted)',
  '<': 'a redirection (only podman run commands are converted)',
  '>': 'a redirection (only podman run commands are converted)',
  '&': 'a command in the background (&): podman run -d is what systemd does anyway',
  '(': 'a subshell or other shell syntax',
  ')': 'a subshell or other shell syntax',
  '`': 'a command substitution (`…`): write the value it stands for',
};

/** The commands of the text, each as its words (blank lines and comments give none). */
export function splitCommands(input: string): Word[][] {
  const text = input.replace(/\r\n/g, '\n');
  const multiline = /\n./.test(text.trimEnd());
  const commands: Word[][] = [];
  let words: Word[] = [];
  let word: Word | undefined;
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const pos = (at: number) => ({ line, col: at - lineStart + 1 });
  const fail = (at: number, what: string): never => {
    throw new RunCommandError(`${where(pos(at), multiline)}: ${what}`);
  };
  const append = (s: string, at: number) => {
    word ??= { text: '', ...pos(at) };
    word.text += s;
  };
  const endWord = () => {
    if (word) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  const newline = (at: number) => {
    line++;
    lineStart = at + 1;
  };
  /** `$` at `at`: refused when a shell would expand it; otherwise a literal `$`. */
  const dollar = (at: number) => {
    const next = text[at + 1] ?? '';
    if (next === '(') fail(at, 'a command substitution $(…): write the value it stands for');
    if (next === "'") fail(at, "$'…' quoting: write the value with '…' or \"…\"");
    if (/[A-Za-z_{0-9@*#?$!-]/.test(next)) {
      const name = /^\{?[A-Za-z_0-9@*#?$!-][A-Za-z_0-9]*\}?/.exec(text.slice(at + 1))?.[0] ?? next;
      fail(at, `$${name}: variables are not expanded here; write the value`);
    }
  };

  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) fail(i, 'a backslash at the very end escapes nothing');
      if (next === '\n') newline(i + 1);
      else append(next!, i);
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) fail(i, "the quote ' opened here is not closed");
      append(text.slice(i + 1, end), i);
      for (let j = i + 1; j < end; j++) if (text[j] === '\n') newline(j);
      i = end + 1;
    } else if (c === '"') {
      const start = i;
      append('', i);
      i++;
      for (;;) {
        const d = text[i];
        if (d === undefined) fail(start, 'the quote " opened here is not closed');
        if (d === '"') break;
        if (d === '\\' && /[$`"\\\n]/.test(text[i + 1] ?? '')) {
          if (text[i + 1] === '\n') newline(i + 1);
          else append(text[i + 1]!, i);
          i += 2;
          continue;
        }
        if (d === '`') fail(i, REFUSED['`']!);
        if (d === '$') dollar(i);
        if (d === '\n') newline(i);
        append(d!, i);
        i++;
      }
      i++;
    } else if (c === ' ' || c === '\t') {
      endWord();
      i++;
    } else if (c === '\n') {
      endCommand();
      newline(i);
      i++;
    } else if (c === '#' && word === undefined) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '&' && text[i + 1] === '&') {
      endWord();
      if (words.length === 0) fail(i, '&& with no command before it');
      endCommand();
      i += 2;
      // the next command may start on a later line
      while (/[ \t\n]/.test(text[i] ?? '') || (text[i] === '\\' && text[i + 1] === '\n')) {
        if (text[i] === '\\') i++;
        if (text[i] === '\n') newline(i);
        i++;
      }
      if (i >= text.length || text[i] === '#') fail(i - 1, '&& with no command after it');
    } else if (Object.hasOwn(REFUSED, c)) {
      fail(i, `${c === '|' && text[i + 1] === '|' ? '||' : c}: ${REFUSED[c]}`);
    } else {
      if (c === '$') dollar(i);
      append(c, i);
      i++;
    }
  }
  endCommand();
  return commands;
}
