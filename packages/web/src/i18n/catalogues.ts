/**
 * The languages of the web UI: each one's catalogue and its name in its own language (for the picker), and
 * the choice of a default from the browser's preferred languages.
 */
import { en, type MessageKey } from './en';
import { fi } from './fi';

export type Locale = 'en' | 'fi';

export const LOCALES: readonly { locale: Locale; name: string }[] = [
  { locale: 'en', name: 'English' },
  { locale: 'fi', name: 'Suomi' },
];

export const catalogues: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en, fi };

export const isLocale = (v: unknown): v is Locale => v === 'en' || v === 'fi';

/**
 * The locales to write dates in for a UI language: the browser's own variants of it (en-GB keeps its day
 * before the month), else the language itself (an English browser with the Finnish UI gets Finnish dates).
 */
export function dateLocalesFor(locale: Locale, languages: readonly string[]): string[] {
  const variants = languages.filter((tag) => tag.toLowerCase().split(/[-_]/)[0] === locale);
  return variants.length > 0 ? variants : [locale];
}

/** The first of the browser's languages (`fi-FI`, `en-GB`, …) that the UI speaks, else English. */
export function pickLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    if (isLocale(primary)) return primary;
  }
  return 'en';
}
