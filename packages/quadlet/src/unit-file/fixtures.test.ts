/**
 * Golden fixtures: each folder under fixtures/ holds an `input.container`, what the parser makes of it
 * (`expected.json`: the nodes, and the values Podman's lookups give) and its canonical form
 * (`canonical.container`). Set QM_UPDATE_GOLDEN=1 to rewrite the expectations after a deliberate change.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeCanonical } from './canonical';
import { parseUnitFile } from './parse';
import { getAllValues, listKeys, listSections } from './query';
import { serializeUnitFile } from './serialize';
import type { UnitNode } from './types';
import { getLastWords } from './values';

const root = join(__dirname, 'fixtures');
const update = process.env.QM_UPDATE_GOLDEN === '1';

const node = (n: UnitNode) => ({
  kind: n.kind,
  line: n.line,
  lines: n.raw.length,
  ...(n.kind === 'entry' ? { section: n.section, key: n.key, value: n.value } : {}),
  ...(n.kind === 'section' ? { name: n.name } : {}),
  ...(n.kind === 'invalid' ? { reason: n.reason, ...(n.ignored ? { ignored: true } : {}) } : {}),
});

function describeFile(text: string) {
  const u = parseUnitFile(text);
  const lookups = Object.fromEntries(
    listSections(u).map((s) => [s, Object.fromEntries(listKeys(u, s).map((k) => [k, getAllValues(u, s, k)]))]),
  );
  return {
    eol: u.eol,
    finalNewline: u.finalNewline,
    nodes: u.nodes.map(node),
    lookupAll: lookups,
    exec: getLastWords(u, 'Container', 'Exec') ?? null,
  };
}

function golden(path: string, actual: string): void {
  if (update || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe.each(readdirSync(root).sort())('fixture %s', (name) => {
  const input = readFileSync(join(root, name, 'input.container'), 'utf8');

  it('parses as recorded and round-trips byte for byte', () => {
    expect(serializeUnitFile(parseUnitFile(input))).toBe(input);
    golden(join(root, name, 'expected.json'), `${JSON.stringify(describeFile(input), null, 2)}\n`);
  });

  it('has the recorded canonical form, which is stable', () => {
    const canonical = serializeCanonical(parseUnitFile(input));
    golden(join(root, name, 'canonical.container'), canonical);
    expect(serializeCanonical(parseUnitFile(canonical))).toBe(canonical);
  });
});
