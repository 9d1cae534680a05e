/**
 * The UI language: the user's choice (saved in localStorage) or else the first of the browser's languages that
 * quadletman speaks, else English. It sets the catalogue `t()` reads, the locale of dates and `<html lang>`. Switching re-mounts the
 * tree below the provider, so every text is rendered again in the new language without a reload (unsaved unit
 * edits live in sessionStorage and the query cache sits above, so nothing is lost but local form state).
 */
import {
  createContext,
  Fragment,
  type ReactNode,
  useCallback,
  useContext,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { catalogues, dateLocalesFor, isLocale, type Locale, pickLocale } from './catalogues';
import { setCatalogue, setDateLocales } from './t';

export const LANGUAGE_KEY = 'quadletman.language';

interface LanguageState {
  locale: Locale;
  setLocale: (l: Locale) => void;
  /** True once after a switch, for the picker to take the focus back after the re-mount. */
  takeSwitched: () => boolean;
}

const LanguageContext = createContext<LanguageState>({ locale: 'en', setLocale: () => {}, takeSwitched: () => false });

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  if (navigator.languages?.length) return navigator.languages;
  return navigator.language ? [navigator.language] : [];
}

export function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LANGUAGE_KEY);
    if (isLocale(saved)) return saved;
  } catch {
    // No storage (private mode): fall back to the browser's languages.
  }
  return pickLocale(browserLanguages());
}

/** Makes `l` the language of `t()` and of dates. */
function activate(l: Locale): void {
  setCatalogue(catalogues[l]);
  setDateLocales(dateLocalesFor(l, browserLanguages()));
}

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => {
    const l = initialLocale();
    activate(l);
    return l;
  });
  const switched = useRef(false);
  useLayoutEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((l: Locale) => {
    activate(l);
    switched.current = true;
    setLocaleState(l);
    try {
      localStorage.setItem(LANGUAGE_KEY, l);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }, []);
  const takeSwitched = useCallback(() => {
    const was = switched.current;
    switched.current = false;
    return was;
  }, []);
  return (
    <LanguageContext.Provider value={{ locale, setLocale, takeSwitched }}>
      <Fragment key={locale}>{children}</Fragment>
    </LanguageContext.Provider>
  );
}

export const useLanguage = () => useContext(LanguageContext);
