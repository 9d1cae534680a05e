/// <reference types="vite/client" />
/**
 * The message catalogue has every key the sources use: literal `t('…')` keys exist, every key family built at
 * run time (`t(\`state.${x}\`)`) has members, and every catalogue key is used (no dead text to translate).
 */
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { t } from './t';

const sources = import.meta.glob(['../**/*.ts', '../**/*.tsx', '!../**/*.test.ts', '!../**/*.test.tsx'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

/** The first argument of every `t(` call, as source text. */
function firstArguments(code: string): string[] {
  const out: string[] = [];
  const re = /\bt\(/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    let depth = 0;
    let i = m.index + 2;
    const start = i;
    for (; i < code.length; i++) {
      const c = code[i];
      if (c === '(' || c === '{' || c === '[') depth++;
      else if (c === ')' || c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
    }
    out.push(code.slice(start, i));
  }
  return out;
}

const literals: { file: string; key: string }[] = [];
const families: { file: string; pattern: RegExp; text: string }[] = [];
for (const [file, code] of Object.entries(sources)) {
  if (/\/i18n\/[a-z]{2}\.ts$/.test(file)) continue; // the catalogues themselves
  for (const arg of firstArguments(code)) {
    for (const m of arg.matchAll(/'([a-zA-Z]+\.[a-zA-Z0-9.-]+)'/g)) literals.push({ file, key: m[1]! });
    for (const m of arg.matchAll(/`([^`]*)`/g)) {
      const text = m[1]!;
      const parts = text.split(/\$\{[^}]*\}/);
      const pattern = new RegExp(`^${parts.map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[A-Za-z0-9-]+')}$`);
      families.push({ file, pattern, text });
    }
  }
}

describe('message catalogue', () => {
  it('finds the t() calls of the sources', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    expect(literals.length).toBeGreaterThan(200);
    expect(families.length).toBeGreaterThan(5);
  });

  it('has every literal key used', () => {
    const missing = literals.filter((l) => !(l.key in en)).map((l) => `${l.file}: ${l.key}`);
    expect(missing).toEqual([]);
  });

  it('has members for every key family built at run time', () => {
    const empty = families
      .filter((f) => !Object.keys(en).some((k) => f.pattern.test(k)))
      .map((f) => `${f.file}: ${f.text}`);
    expect(empty).toEqual([]);
  });

  it('has no unused keys', () => {
    const used = (k: string) => literals.some((l) => l.key === k) || families.some((f) => f.pattern.test(k));
    expect(Object.keys(en).filter((k) => !used(k))).toEqual([]);
  });

  it('fills parameters', () => {
    expect(t('editor.since', { version: '5.0' })).toBe('Since Podman 5.0.');
    expect(t('units.runningN', { n: 3 })).toBe('3 running');
    expect(t('common.notAvailable', {})).toBe('{what}: not available on this server yet.');
  });

  it('has no empty message except where a state shows nothing', () => {
    expect(Object.entries(en).filter(([k, v]) => v === '' && k !== 'terminal.idle')).toEqual([]);
  });
});
