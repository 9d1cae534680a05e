/**
 * First-run setup: the hint says where the setup token is, right for whichever way the server was started
 * (scripts/run.sh, `quadletman serve`, the installed service).
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '../app/App';
import { fakeApi } from '../test-support/fake-api';
import { SetupPage } from './Setup';

afterEach(() => vi.unstubAllGlobals());

describe('setup', () => {
  it('names both ways of starting the server, and the journal of the service', async () => {
    fakeApi((c) => (c.path === '/api/auth/setup' ? [200, { required: true }] : undefined), null);
    render(
      <QueryClientProvider client={makeQueryClient()}>
        <MemoryRouter>
          <SetupPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const token = await screen.findByLabelText('Setup token');
    const hint = document.getElementById(token.getAttribute('aria-describedby') ?? '') as HTMLElement;
    const code = [...hint.querySelectorAll('code')].map((c) => c.textContent);
    expect(code).toEqual(expect.arrayContaining(['scripts/run.sh', 'quadletman serve', 'journalctl -u quadletman']));
  });
});
