/**
 * The application: providers (theme, query cache, language), the router, and the pages behind the login.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { retry } from '../api/queries';
import { LanguageProvider } from '../i18n/language';
import { DashboardPage } from '../pages/Dashboard';
import { LoginPage } from '../pages/Login';
import { NotFoundPage } from '../pages/NotFound';
import { SetupPage } from '../pages/Setup';
import { RequireAdmin, RequireAuth } from './auth';
import { Layout } from './Layout';
import { ThemeProvider } from './theme';

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry, refetchOnWindowFocus: false, staleTime: 10_000 },
      mutations: { retry: false },
    },
  });
}

export const routeTree = [
  {
    element: <Layout />,
    children: [
      { path: '/setup', element: <SetupPage /> },
      { path: '/login', element: <LoginPage /> },
      {
        element: <RequireAuth />,
        children: [
          { path: '/', element: <DashboardPage /> },
          // Loaded when first visited: the editors (CodeMirror) and the terminal (xterm.js) are most of the code.
          {
            path: '/c/:id/*',
            lazy: async () => ({ Component: (await import('../pages/Compartment')).CompartmentPage }),
          },
          {
            path: '/import',
            lazy: async () => ({ Component: (await import('../pages/ImportExport')).ImportExportPage }),
          },
          {
            path: '/templates/*',
            lazy: async () => ({ Component: (await import('../pages/Templates')).TemplatesPage }),
          },
          { path: '/routes', lazy: async () => ({ Component: (await import('../pages/Routes')).RoutesPage }) },
          { path: '/catalog/*', lazy: async () => ({ Component: (await import('../pages/Catalog')).CatalogPage }) },
          {
            element: <RequireAdmin />,
            children: [
              { path: '/admin/*', lazy: async () => ({ Component: (await import('../pages/Admin')).AdminPage }) },
            ],
          },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

const router = createBrowserRouter(routeTree);
const queryClient = makeQueryClient();

export function App() {
  return (
    <ThemeProvider>
      <QueryClientProvider client={queryClient}>
        <LanguageProvider>
          <RouterProvider router={router} />
        </LanguageProvider>
      </QueryClientProvider>
    </ThemeProvider>
  );
}
