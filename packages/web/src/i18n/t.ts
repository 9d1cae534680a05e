/**
 * The message function: `t(key, { name: 'web' })` looks the key up in the catalogue and fills `{name}`
 * placeholders. Every user-visible string goes through it so that translations can follow; a test checks that
 * every key used in the sources exists in the catalogue.
 */
import { en, type MessageKey } from './en';

export type { MessageKey } from './en';
export type MessageParams = Readonly<Record<string, string | number>>;

let catalogue: Readonly<Record<MessageKey, string>> = en;

/** Replaces the active catalogue (for a translation); English is the default and the fallback. */
export function setCatalogue(messages: Partial<Record<MessageKey, string>>): void {
  catalogue = { ...en, ...messages };
}

export function t(key: MessageKey, params?: MessageParams): string {
  const text = catalogue[key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

let dateLocales: readonly string[] | undefined;

/** The locales dates and times are written in (undefined: the browser's own); the language provider sets them. */
export function setDateLocales(locales: readonly string[] | undefined): void {
  dateLocales = locales;
}

/** A date and time as the UI language writes it, e.g. 4.12.2026 klo 3.57.04 in Finnish. */
export const dateTime = (v: string | number | Date): string => new Date(v).toLocaleString(dateLocales);

/** A date as the UI language writes it. */
export const dateOnly = (v: string | number | Date): string => new Date(v).toLocaleDateString(dateLocales);

/** True when `key` is a catalogue key (for keys built at run time, e.g. unit states). */
export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(en, key);
