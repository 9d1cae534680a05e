/**
 * The frame of every page: a skip link, the header (navigation, language, theme, who is logged in, log out) and
 * <main>.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { api, setCsrfToken } from '../api/client';
import { useSession } from '../api/queries';
import { Button } from '../components/ui';
import { isLocale, LOCALES } from '../i18n/catalogues';
import { useLanguage } from '../i18n/language';
import { t } from '../i18n/t';
import { hasRole, topRole, useSessionExpiry } from './auth';
import { useFocusOnNavigation } from './focus';
import { type ThemeChoice, useTheme } from './theme';

function ThemeToggle() {
  const { choice, setChoice } = useTheme();
  return (
    <label className="flex items-center gap-1 text-sm">
      <span className="sr-only sm:not-sr-only">{t('theme.label')}</span>
      <select
        value={choice}
        onChange={(e) => setChoice(e.target.value as ThemeChoice)}
        className="rounded-md border border-zinc-300 bg-white px-1 py-1 text-sm dark:border-zinc-600 dark:bg-zinc-900"
      >
        <option value="system">{t('theme.system')}</option>
        <option value="light">{t('theme.light')}</option>
        <option value="dark">{t('theme.dark')}</option>
      </select>
    </label>
  );
}

/** English / Suomi: each language named in itself, so the way back is readable whatever is chosen. */
export function LanguagePicker() {
  const { locale, setLocale, takeSwitched } = useLanguage();
  const select = useRef<HTMLSelectElement>(null);
  // The switch re-mounts the page: give the focus back to the picker that had it.
  useEffect(() => {
    if (takeSwitched()) select.current?.focus();
  }, [takeSwitched]);
  return (
    <label className="flex items-center gap-1 text-sm">
      <span className="sr-only sm:not-sr-only">{t('language.label')}</span>
      <select
        ref={select}
        value={locale}
        onChange={(e) => {
          if (isLocale(e.target.value)) setLocale(e.target.value);
        }}
        className="rounded-md border border-zinc-300 bg-white px-1 py-1 text-sm dark:border-zinc-600 dark:bg-zinc-900"
      >
        {LOCALES.map((l) => (
          <option key={l.locale} value={l.locale} lang={l.locale}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-2 py-1 text-sm ${isActive ? 'bg-sky-100 font-semibold text-sky-900 dark:bg-sky-950 dark:text-sky-100' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`;

export function Layout() {
  useSessionExpiry();
  const main = useRef<HTMLElement>(null);
  useFocusOnNavigation(main);
  const session = useSession();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const user = session.data;
  const logout = async () => {
    try {
      await api.POST('/api/auth/logout');
    } finally {
      setCsrfToken(undefined);
      qc.clear();
      navigate('/login', { replace: true });
    }
  };
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2 dark:focus:bg-zinc-900"
      >
        {t('nav.skip')}
      </a>
      <header className="border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
          <NavLink to="/" className="font-bold tracking-tight">
            {t('app.name')}
          </NavLink>
          {user && (
            <nav aria-label={t('nav.main')} className="flex flex-wrap gap-1">
              <NavLink to="/" end className={navClass}>
                {t('nav.dashboard')}
              </NavLink>
              <NavLink to="/catalog" className={navClass}>
                {t('nav.catalog')}
              </NavLink>
              <NavLink to="/templates" className={navClass}>
                {t('nav.templates')}
              </NavLink>
              <NavLink to="/routes" className={navClass}>
                {t('nav.routes')}
              </NavLink>
              <NavLink to="/import" className={navClass}>
                {t('nav.importExport')}
              </NavLink>
              {hasRole(user, 'admin') && (
                <NavLink to="/admin" className={navClass}>
                  {t('nav.admin')}
                </NavLink>
              )}
            </nav>
          )}
          <div className="ml-auto flex flex-wrap items-center gap-2">
            <LanguagePicker />
            <ThemeToggle />
            {user && (
              <>
                <span className="text-sm" data-testid="whoami">
                  {t('nav.signedInAs', { user: user.username, role: t(`role.${topRole(user) ?? 'viewer'}`) })}
                </span>
                <Button onClick={logout}>{t('nav.logout')}</Button>
              </>
            )}
          </div>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none">
        <Outlet />
      </main>
    </div>
  );
}
