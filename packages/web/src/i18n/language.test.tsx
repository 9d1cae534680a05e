/**
 * The language picker in the whole app (router, query cache, pages) against a faked server: the default comes
 * from the browser's languages, a choice is remembered in localStorage, <html lang> follows, and switching
 * renders the page again in the other language without leaving it.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient, routeTree } from '../app/App';
import { ThemeProvider } from '../app/theme';
import { dateLocalesFor, pickLocale } from './catalogues';
import { en } from './en';
import { LANGUAGE_KEY, LanguageProvider } from './language';
import { dateTime, setCatalogue, setDateLocales, t } from './t';

const alice = { username: 'alice', kind: 'session', grants: [{ compartment: '*', role: 'admin' }], csrfToken: 'c' };

function serveDashboard() {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      const path = url.split('?')[0]!;
      const [status, body]: [number, unknown] =
        path === '/api/auth/setup'
          ? [200, { required: false }]
          : path === '/api/auth/session'
            ? [200, alice]
            : path === '/api/compartments'
              ? [200, { compartments: [] }]
              : [404, { error: { code: 'not_found', message: `Route GET:${path} not found` } }];
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    }),
  );
}

function browserLanguages(...languages: string[]) {
  vi.spyOn(navigator, 'languages', 'get').mockReturnValue(languages);
}

function start(path = '/') {
  serveDashboard();
  const router = createMemoryRouter(routeTree, { initialEntries: [path] });
  render(
    <ThemeProvider>
      <QueryClientProvider client={makeQueryClient()}>
        <LanguageProvider>
          <RouterProvider router={router} />
        </LanguageProvider>
      </QueryClientProvider>
    </ThemeProvider>,
  );
  return router;
}

const picker = () => screen.getByRole('combobox', { name: /^(Language|Kieli)$/ }) as HTMLSelectElement;

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  setCatalogue(en);
  setDateLocales(undefined);
  document.documentElement.lang = 'en';
});

describe('pickLocale', () => {
  it('takes the first browser language the UI speaks, by its primary subtag, else English', () => {
    expect(pickLocale(['fi-FI', 'en-US'])).toBe('fi');
    expect(pickLocale(['sv-FI', 'FI', 'en'])).toBe('fi');
    expect(pickLocale(['en-GB', 'fi'])).toBe('en');
    expect(pickLocale(['de-DE', 'sv'])).toBe('en');
    expect(pickLocale([])).toBe('en');
  });
});

describe('dateLocalesFor', () => {
  it("uses the browser's variants of the UI language, else the language itself", () => {
    expect(dateLocalesFor('en', ['en-GB', 'fi'])).toEqual(['en-GB']);
    expect(dateLocalesFor('fi', ['en-GB', 'fi-FI'])).toEqual(['fi-FI']);
    expect(dateLocalesFor('fi', ['en-US'])).toEqual(['fi']);
  });
});

describe('language picker', () => {
  it('defaults to the browser language: Finnish for a Finnish browser', async () => {
    browserLanguages('fi-FI', 'en-US');
    start();
    expect(await screen.findByRole('heading', { name: 'Lokerot', level: 1 }, { timeout: 15_000 })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Yleiskatsaus' })).toBeTruthy();
    expect(picker().value).toBe('fi');
    expect(document.documentElement.lang).toBe('fi');
    expect(localStorage.getItem(LANGUAGE_KEY)).toBeNull(); // nothing chosen yet: only a default
  });

  it('defaults to English when the browser asks for no language the UI speaks', async () => {
    browserLanguages('de-DE', 'sv');
    start();
    expect(await screen.findByRole('heading', { name: 'Compartments', level: 1 }, { timeout: 15_000 })).toBeTruthy();
    expect(picker().value).toBe('en');
    expect(document.documentElement.lang).toBe('en');
  });

  it('prefers the remembered choice over the browser language', async () => {
    browserLanguages('fi-FI');
    localStorage.setItem(LANGUAGE_KEY, 'en');
    start();
    expect(await screen.findByRole('heading', { name: 'Compartments', level: 1 }, { timeout: 15_000 })).toBeTruthy();
    expect(picker().value).toBe('en');
    expect(document.documentElement.lang).toBe('en');
  });

  it('ignores a remembered value that is no language of the UI', async () => {
    browserLanguages('fi');
    localStorage.setItem(LANGUAGE_KEY, 'xx');
    start();
    expect(await screen.findByRole('heading', { name: 'Lokerot', level: 1 }, { timeout: 15_000 })).toBeTruthy();
  });

  it('names each language in itself', async () => {
    browserLanguages('en-US');
    start();
    await screen.findByRole('heading', { name: 'Compartments', level: 1 }, { timeout: 15_000 });
    const options = [...picker().options].map((o) => [o.value, o.textContent, o.lang]);
    expect(options).toEqual([
      ['en', 'English', 'en'],
      ['fi', 'Suomi', 'fi'],
    ]);
  });

  it('switches the page to Finnish and back without a reload, remembering the choice', async () => {
    browserLanguages('en-US');
    const router = start('/');
    await screen.findByRole('heading', { name: 'Compartments', level: 1 }, { timeout: 15_000 });
    expect(screen.getByRole('button', { name: 'Log out' })).toBeTruthy();

    fireEvent.change(picker(), { target: { value: 'fi' } });
    expect(await screen.findByRole('heading', { name: 'Lokerot', level: 1 })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Kirjaudu ulos' })).toBeTruthy();
    expect(screen.queryByText('Compartments')).toBeNull();
    expect(t('nav.logout')).toBe('Kirjaudu ulos');
    expect(localStorage.getItem(LANGUAGE_KEY)).toBe('fi');
    expect(document.documentElement.lang).toBe('fi');
    expect(router.state.location.pathname).toBe('/');
    expect(document.activeElement).toBe(picker()); // the focus stays on the picker across the re-render
    expect(dateTime('2026-12-04T12:00:00Z')).toMatch(/^\d{1,2}\.12\.2026 /); // dates follow: 4.12.2026 klo …

    fireEvent.change(picker(), { target: { value: 'en' } });
    expect(await screen.findByRole('heading', { name: 'Compartments', level: 1 })).toBeTruthy();
    expect(localStorage.getItem(LANGUAGE_KEY)).toBe('en');
    expect(document.documentElement.lang).toBe('en');
  });
});
