import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeCanonical } from './canonical';
import { parseUnitFile } from './parse';
import { fatalNodes, getEntries, listSections } from './query';
import { unitText } from './test-support/arbitraries';

const meaning = (text: string) => {
  const u = parseUnitFile(text);
  return {
    sections: listSections(u),
    entries: getEntries(u).map((e) => [e.section, e.key, e.value]),
    rejected: fatalNodes(u).length > 0,
  };
};

describe('serializeCanonical', () => {
  it('normalizes spacing, continuations, blank lines and line ends', () => {
    const input =
      '\n\n# file header\n[Unit]  \r\nDescription = web app   \r\n\r\n\r\n\r\n# about the container\n[Container]\nImage=x\nExec=a \\\n  # inside\n  b\n   ; comment right above a section goes with it  \n[Install]\nWantedBy=default.target\n\n\n';
    expect(serializeCanonical(parseUnitFile(input))).toBe(
      '# file header\n[Unit]\nDescription=web app\n\n# about the container\n[Container]\nImage=x\n# inside\nExec=a b\n\n; comment right above a section goes with it\n[Install]\nWantedBy=default.target\n',
    );
  });

  it('keeps invalid lines and end-of-file continuations verbatim (trimmed)', () => {
    expect(serializeCanonical(parseUnitFile('[A]\n  garbage  \nK=v \\'))).toBe('[A]\ngarbage\nK=v \\\n');
    expect(serializeCanonical(parseUnitFile('[A]\nK=v \\\n\n'))).toBe('[A]\n# K=v \\\n');
    expect(serializeCanonical(parseUnitFile(''))).toBe('');
    // an entry kept raw (its value ends in blanks) keeps its inner comment in place, once
    const raw = '[Container]\nImage=\\\n  \n  #x\nImage=  \\';
    expect(serializeCanonical(parseUnitFile(raw))).toBe('[Container]\nImage=\\\n\n#x\nImage=  \\\n');
    expect(serializeCanonical(parseUnitFile('[A]\n  My Key  =  v\n[b] c = d\n'))).toBe('[A]\nMy Key=v\n[b] c=d\n');
  });

  it('property: never changes meaning and is idempotent (realistic text)', () => {
    fc.assert(
      fc.property(unitText, (t) => {
        const c = serializeCanonical(parseUnitFile(t));
        expect(meaning(c)).toEqual(meaning(t));
        expect(serializeCanonical(parseUnitFile(c))).toBe(c);
      }),
      { numRuns: 300 },
    );
  });

  it('property: never changes meaning (arbitrary text)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('\n', '\r', '\\', '#', '[', ']', '=', ' ', 'a', ';') }), (t) => {
        const c = serializeCanonical(parseUnitFile(t));
        expect(meaning(c)).toEqual(meaning(t));
        expect(serializeCanonical(parseUnitFile(c))).toBe(c);
      }),
      { numRuns: 500 },
    );
  });
});
