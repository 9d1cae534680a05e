/**
 * A compartment's origin (a template, a catalog app and its version, or nothing) and "Save as template": the
 * NAME=VALUE rows checked where they are typed, and the request sent with only the filled rows.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '../../app/App';
import { changes, fakeApi } from '../../test-support/fake-api';
import { OriginLine, SaveAsTemplate } from './Origin';

const NOW = '2026-12-04T08:00:00.000Z';

function serve(origin: unknown) {
  return fakeApi((c) => {
    if (c.path === '/api/compartments/shop/origin') return [200, { origin }];
    if (c.path === '/api/compartments/shop/template') {
      const b = c.body as { name: string; parameters?: Record<string, string> };
      if (b.name === 'taken') return [409, { error: { code: 'conflict', message: "A template 'taken' exists" } }];
      return [
        201,
        {
          name: b.name,
          description: '',
          version: null,
          parameters: Object.entries(b.parameters ?? {}).map(([name, d]) => ({ name, default: d })),
          units: [],
          createdBy: 'ada',
          source: 'shop',
          createdAt: NOW,
          updatedAt: NOW,
        },
      ];
    }
    return undefined;
  });
}

const start = (ui: React.ReactNode) =>
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );

afterEach(() => vi.unstubAllGlobals());

describe("a compartment's origin", () => {
  it('names the catalog app and its version, linked', async () => {
    serve({ origin: 'catalog', name: 'gitea', version: '1.22.3', values: {}, installedAt: NOW, updatedAt: NOW });
    start(<OriginLine id="shop" />);
    const line = await screen.findByTestId('origin');
    expect(line.textContent).toBe('Installed from the catalog app gitea version 1.22.3');
    expect(screen.getByRole('link', { name: 'gitea' }).getAttribute('href')).toBe('/catalog/gitea');
  });

  it('names the template', async () => {
    serve({ origin: 'template', name: 'blog', version: null, values: {}, installedAt: NOW, updatedAt: NOW });
    start(<OriginLine id="shop" />);
    expect((await screen.findByTestId('origin')).textContent).toBe('Made from the template blog');
    expect(screen.getByRole('link', { name: 'blog' }).getAttribute('href')).toBe('/templates/blog');
  });

  it('says nothing for a compartment made by hand', async () => {
    const calls = serve(null);
    start(<OriginLine id="shop" />);
    await waitFor(() => expect(calls.some((c) => c.path === '/api/compartments/shop/origin')).toBe(true));
    expect(screen.queryByTestId('origin')).toBeNull();
  });
});

describe('save as template', () => {
  it('checks each row where it is typed and sends the filled rows as parameters', async () => {
    const calls = serve(null);
    start(<SaveAsTemplate id="shop" onClose={() => {}} />);
    expect((screen.getByLabelText('Template name') as HTMLInputElement).value).toBe('shop');
    fireEvent.change(screen.getByLabelText('Description'), { target: { value: 'the shop' } });
    fireEvent.change(screen.getByLabelText('Parameter 1: name'), { target: { value: 'Port' } });
    fireEvent.change(screen.getByLabelText('Parameter 1: value'), { target: { value: '8080' } });
    expect(screen.getByText(/Parameter 1: a name is a lower-case letter/)).toBeTruthy();
    const save = screen.getByRole('button', { name: 'Save template' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Parameter 1: name'), { target: { value: 'port' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add a parameter' }));
    fireEvent.change(screen.getByLabelText('Parameter 2: name'), { target: { value: 'port' } });
    expect(screen.getByText('Parameter 2: port is listed twice.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Parameter 2: name'), { target: { value: 'domain' } });
    expect(screen.getByText('Parameter 2: a value is needed.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Parameter 2: value'), { target: { value: 'shop.example.test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add a parameter' }));
    expect(save.disabled).toBe(false);
    fireEvent.click(save);
    expect(await screen.findByText('Template shop saved with 2 parameter(s).')).toBeTruthy();
    expect(changes(calls)).toEqual([
      {
        method: 'POST',
        path: '/api/compartments/shop/template',
        body: { name: 'shop', description: 'the shop', parameters: { port: '8080', domain: 'shop.example.test' } },
      },
    ]);
    expect(screen.getByRole('link', { name: 'Open shop' }).getAttribute('href')).toBe('/templates/shop');
  });

  it('says when the name is taken', async () => {
    serve(null);
    start(<SaveAsTemplate id="shop" onClose={() => {}} />);
    fireEvent.change(screen.getByLabelText('Template name'), { target: { value: 'taken' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save template' }));
    expect(await screen.findByText(/A template of that name exists/)).toBeTruthy();
  });
});
