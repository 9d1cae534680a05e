/**
 * A compartment's tab rendered as the app renders it: the query client, a router, and the compartment's drafts
 * (stored first, as an earlier visit would have left them).
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { makeQueryClient } from '../app/App';
import { DraftProvider } from '../pages/compartment/drafts';

export function renderTab(compartment: string, drafts: Record<string, string | null>, tab: ReactNode) {
  sessionStorage.setItem(`quadletman.drafts.${compartment}`, JSON.stringify(drafts));
  return render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter>
        <DraftProvider compartment={compartment}>{tab}</DraftProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}
