/**
 * Every catalogue is complete: the same keys as the English one (none missing, none extra), and each message
 * keeps the English one's {placeholders} and `code` spans (code is never translated), so a translation that
 * falls behind fails CI.
 */
import { describe, expect, it } from 'vitest';
import { catalogues, LOCALES } from './catalogues';
import { en } from './en';

const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
const codeSpans = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort();
const enKeys = Object.keys(en).sort();

describe('catalogues', () => {
  it('has a catalogue for every language of the picker', () => {
    expect(LOCALES.map((l) => l.locale).sort()).toEqual(Object.keys(catalogues).sort());
  });

  describe.each(Object.entries(catalogues).filter(([locale]) => locale !== 'en'))('%s', (_locale, catalogue) => {
    const messages: Record<string, string> = catalogue;

    it('has every key of the English catalogue and no other', () => {
      expect(enKeys.filter((k) => !Object.hasOwn(messages, k))).toEqual([]);
      expect(Object.keys(messages).filter((k) => !Object.hasOwn(en, k))).toEqual([]);
    });

    it('keeps the placeholders of every message', () => {
      const differ = Object.entries(en)
        .filter(([k, v]) => JSON.stringify(placeholders(messages[k] ?? '')) !== JSON.stringify(placeholders(v)))
        .map(([k, v]) => `${k}: ${placeholders(v).join(',')} ≠ ${placeholders(messages[k] ?? '').join(',')}`);
      expect(differ).toEqual([]);
    });

    it('keeps the code spans of every message', () => {
      const differ = Object.entries(en)
        .filter(([k, v]) => JSON.stringify(codeSpans(messages[k] ?? '')) !== JSON.stringify(codeSpans(v)))
        .map((e) => e[0]);
      expect(differ).toEqual([]);
    });

    it('translates every message that has text', () => {
      expect(Object.entries(en).filter(([k, v]) => v !== '' && messages[k] === '')).toEqual([]);
    });
  });

  it('has balanced backticks in every message', () => {
    const odd = Object.entries(catalogues).flatMap(([locale, messages]) =>
      Object.entries(messages)
        .filter(([, v]) => (v.match(/`/g)?.length ?? 0) % 2 === 1)
        .map(([k]) => `${locale}: ${k}`),
    );
    expect(odd).toEqual([]);
  });
});
