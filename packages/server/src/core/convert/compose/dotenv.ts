// Compose's env file format (the project's `.env` and services' `env_file`): `KEY=VALUE` lines, an optional
// `export ` before the key, `#` comments and blank lines. A value in single quotes is literal; one in double quotes
// knows the escapes \n \r \t \\ \" \$ and is interpolated, as is an unquoted value (which ends at ` #`, trimmed).
// Interpolation sees the keys defined above it in the file, then the lookup given. A line with a key alone takes
// the variable's value from the lookup, when it is set.

import { interpolate, type Lookup } from './interpolate.js';

export class EnvFileError extends Error {
  override readonly name = 'EnvFileError';
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The variables of an env file, in file order. Throws EnvFileError (with the line number) for a malformed line. */
export function parseEnvFile(text: string, lookup: Lookup = () => undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  const seen: Lookup = (name) => (Object.hasOwn(vars, name) ? vars[name] : lookup(name));
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/^\s*(export\s+)?/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!KEY.test(key)) throw new EnvFileError(`line ${n + 1}: ${JSON.stringify(key)} is not a variable name`);
    if (eq < 0) {
      const v = lookup(key);
      if (v !== undefined) vars[key] = v;
      continue;
    }
    let raw = line.slice(eq + 1).replace(/^[ \t]+/, '');
    const quote = raw[0];
    if (quote === "'" || quote === '"') {
      // a quoted value may go on over the following lines until its closing quote
      let end = closingQuote(raw, quote);
      while (end < 0 && n + 1 < lines.length) {
        raw += `\n${lines[++n]}`;
        end = closingQuote(raw, quote);
      }
      if (end < 0) throw new EnvFileError(`line ${n + 1}: the value of ${key} has no closing ${quote}`);
      const body = raw.slice(1, end);
      vars[key] = quote === "'" ? body : interpolate(unescapeValue(body), seen).value;
      continue;
    }
    const comment = raw.search(/\s#/);
    if (comment >= 0) raw = raw.slice(0, comment);
    vars[key] = interpolate(raw.trim(), seen).value;
  }
  return vars;
}

function closingQuote(s: string, quote: string): number {
  for (let i = 1; i < s.length; i++) {
    if (quote === '"' && s[i] === '\\') i++;
    else if (s[i] === quote) return i;
  }
  return -1;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', $: '$$' };

function unescapeValue(s: string): string {
  return s.replace(/\\(.)/gs, (m, c: string) => ESCAPES[c] ?? m);
}
