// Compose's variable interpolation (the Compose specification, "Interpolation"): `$NAME`, `${NAME}`, the
// default forms `${NAME:-word}` (unset or empty) and `${NAME-word}` (unset), the required forms `${NAME:?msg}` and
// `${NAME?msg}`, the alternative forms `${NAME:+word}` and `${NAME+word}`, and `$$` for a literal `$`. Words may
// themselves hold interpolations (`${A:-${B:-x}}`). A `$` that starts none of these stays as it is.
// Pure: the variables come from a lookup function, and every lookup is reported through it.

/** A variable that must be set is not (`${V:?msg}`), or a `${…}` that is not a valid interpolation. */
export class InterpolationError extends Error {
  override readonly name = 'InterpolationError';
}

/** Looks a variable up; `undefined` when it is unset. */
export type Lookup = (name: string) => string | undefined;

export interface Interpolated {
  value: string;
  /** Variables that were unset and had no default: each became "". */
  unset: string[];
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Interpolates one string. Throws InterpolationError for a required variable that is unset, or bad syntax. */
export function interpolate(text: string, lookup: Lookup): Interpolated {
  const unset: string[] = [];
  const value = expand(text, lookup, unset);
  return { value, unset };
}

function expand(text: string, lookup: Lookup, unset: string[]): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const end = closingBrace(text, dollar + 2);
      if (end < 0)
        throw new InterpolationError(`invalid interpolation format in ${JSON.stringify(text)}: no closing }`);
      out += braced(text.slice(dollar + 2, end), text, lookup, unset);
      i = end + 1;
    } else if (next !== undefined && NAME_START.test(next)) {
      let j = dollar + 2;
      while (j < text.length && NAME_CHAR.test(text[j]!)) j++;
      const name = text.slice(dollar + 1, j);
      const v = lookup(name);
      if (v === undefined) unset.push(name);
      out += v ?? '';
      i = j;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out;
}

/** The index of the `}` closing a `${` whose content starts at `from` (nested `${…}` skipped), or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '$') i++;
    else if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

const OPERATORS = [':-', ':?', ':+', '-', '?', '+'] as const;

function braced(inner: string, whole: string, lookup: Lookup, unset: string[]): string {
  let n = 0;
  while (n < inner.length && (n === 0 ? NAME_START : NAME_CHAR).test(inner[n]!)) n++;
  const name = inner.slice(0, n);
  const rest = inner.slice(n);
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (name === '' || (rest !== '' && op === undefined)) {
    throw new InterpolationError(`invalid interpolation format for \${${inner}} in ${JSON.stringify(whole)}`);
  }
  const v = lookup(name);
  if (op === undefined) {
    if (v === undefined) unset.push(name);
    return v ?? '';
  }
  const word = () => expand(rest.slice(op.length), lookup, unset);
  const missing = op.startsWith(':') ? v === undefined || v === '' : v === undefined;
  switch (op) {
    case ':-':
    case '-':
      return missing ? word() : v!;
    case ':+':
    case '+':
      return missing ? '' : word();
    default: {
      if (!missing) return v!;
      const message = word();
      const why = op === ':?' ? 'unset or empty' : 'unset';
      throw new InterpolationError(`required variable ${name} is ${why}${message ? `: ${message}` : ''}`);
    }
  }
}
