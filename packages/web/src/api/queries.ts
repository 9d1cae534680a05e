/**
 * TanStack Query hooks over the API client: one query key scheme, reads as queries, changes as mutations that
 * refresh what they change. Live updates come from the SSE stream (events.tsx), not from polling; the one poll is
 * the Stats tab's (useStats): resource use is a sample, not an event.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, data } from './client';
import type { paths } from './openapi.gen';

/** The path parameters of a compartment's routes. */
const inC = (id: string) => ({ params: { path: { id } } });

export const keys = {
  session: ['session'] as const,
  /** true after a 401 ended the session (the login page says so). */
  sessionEnded: ['session-ended'] as const,
  setup: ['setup'] as const,
  compartments: ['compartments'] as const,
  compartment: (id: string) => ['compartments', id] as const,
  part: (id: string, part: string) => ['compartments', id, part] as const,
  users: ['users'] as const,
  tokens: ['tokens'] as const,
  audit: (filters: AuditFilters) => ['audit', filters] as const,
  auditChain: ['audit', 'chain'] as const,
  doctor: ['doctor'] as const,
  notifyChannels: ['notifications', 'channels'] as const,
  selfBackup: ['self-backup'] as const,
  notifyDeliveries: ['notifications', 'deliveries'] as const,
  templates: ['templates'] as const,
  template: (name: string) => ['templates', name] as const,
  catalog: ['catalog'] as const,
  catalogApp: (name: string) => ['catalog', name] as const,
  edge: ['edge'] as const,
  connections: ['connections'] as const,
};

/** Retries only what may pass on a second try: never a 4xx or a route the server does not have. */
export function retry(count: number, error: unknown): boolean {
  if (error instanceof ApiError && (error.status < 500 || error.unavailable)) return false;
  return count < 2;
}

/** The current session; null when nobody is logged in. */
export function useSession() {
  return useQuery({
    queryKey: keys.session,
    queryFn: async () => {
      try {
        return await data(api.GET('/api/auth/session'));
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

export const useSetupStatus = () =>
  useQuery({ queryKey: keys.setup, queryFn: () => data(api.GET('/api/auth/setup')), staleTime: Infinity });

export const useCompartments = () =>
  useQuery({
    queryKey: keys.compartments,
    queryFn: async () => (await data(api.GET('/api/compartments'))).compartments,
  });

export const useCompartment = (id: string) =>
  useQuery({ queryKey: keys.compartment(id), queryFn: () => data(api.GET('/api/compartments/{id}', inC(id))) });

export const useUnits = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'units'),
    queryFn: async () => (await data(api.GET('/api/compartments/{id}/units', inC(id)))).units,
  });

export const useVolumes = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'volumes'),
    queryFn: async () => (await data(api.GET('/api/compartments/{id}/volumes', inC(id)))).volumes,
  });
export const useSecrets = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'secrets'),
    queryFn: async () => (await data(api.GET('/api/compartments/{id}/secrets', inC(id)))).secrets,
  });
export const useRegistries = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'registries'),
    queryFn: async () => (await data(api.GET('/api/compartments/{id}/registries', inC(id)))).registries,
  });
export const useConfigFiles = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'config-files'),
    queryFn: async () => (await data(api.GET('/api/compartments/{id}/files', inC(id)))).files,
  });
export const useUpdates = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'updates'),
    queryFn: async () => (await data(api.GET('/api/compartments/{id}/updates', inC(id)))).checks,
  });
export const useUpgradable = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'upgradable'),
    queryFn: async () => (await data(api.GET('/api/compartments/{id}/upgradable', inC(id)))).units,
  });
export const useDependencies = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'dependencies'),
    queryFn: () => data(api.GET('/api/compartments/{id}/dependencies', inC(id))),
  });
export const useImages = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'images'),
    queryFn: () => data(api.GET('/api/compartments/{id}/images', inC(id))),
  });
export const useBackups = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'backups'),
    queryFn: () => data(api.GET('/api/compartments/{id}/backups', inC(id))),
  });
/** The backup or restore under way: polled every second while one is (or `active`), else every 10 s. */
export const useBackupProgress = (id: string, active: boolean) =>
  useQuery({
    queryKey: [...keys.part(id, 'backups'), 'progress'],
    queryFn: () => data(api.GET('/api/compartments/{id}/backups/progress', inC(id))),
    refetchInterval: (q) => (active || q.state.data?.progress ? 1000 : 10_000),
    refetchIntervalInBackground: false,
  });
export const useBackupPolicy = (id: string) =>
  useQuery({
    queryKey: [...keys.part(id, 'backups'), 'policy'],
    queryFn: () => data(api.GET('/api/compartments/{id}/backups/policy', inC(id))),
  });
const historyQuery = (id: string) => ({
  queryKey: keys.part(id, 'history'),
  queryFn: () => data(api.GET('/api/compartments/{id}/revisions', inC(id))),
});
/** The revisions, newest first. */
export const useHistory = (id: string) => useQuery({ ...historyQuery(id), select: (h) => h.revisions });
/** The revisions with the number of the one live now (the last applied; null before the first). */
export const useRevisions = (id: string) => useQuery(historyQuery(id));
/** What rolling back to revision `n` would change (a plan; nothing is changed). */
export const useRollbackPlan = (id: string, n: number | undefined) =>
  useQuery({
    queryKey: [...keys.part(id, 'rollback-plan'), n],
    queryFn: () =>
      data(
        api.GET('/api/compartments/{id}/revisions/{number}/rollback-plan', { params: { path: { id, number: n! } } }),
      ),
    enabled: n !== undefined,
  });
export const useSpec = (id: string) =>
  useQuery({ queryKey: keys.part(id, 'spec'), queryFn: () => data(api.GET('/api/compartments/{id}/spec', inC(id))) });

export const useRevision = (id: string, n: number | undefined) =>
  useQuery({
    queryKey: [...keys.part(id, 'revision'), n],
    queryFn: () => data(api.GET('/api/compartments/{id}/revisions/{number}', { params: { path: { id, number: n! } } })),
    enabled: n !== undefined,
    staleTime: Infinity,
  });

export function useUnitAction(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ unit, action }: { unit: string; action: 'start' | 'stop' | 'restart' }) =>
      data(
        api.POST('/api/compartments/{id}/units/{action}', {
          params: { path: { id, action } },
          body: { units: [unit] },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.compartment(id) }),
  });
}

export function useRollback(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (revision: number) =>
      data(api.POST('/api/compartments/{id}/rollback', { ...inC(id), body: { revision } })),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.compartment(id) }),
  });
}

export const useUsers = () => useQuery({ queryKey: keys.users, queryFn: () => data(api.GET('/api/admin/users')) });
export const useTokens = () => useQuery({ queryKey: keys.tokens, queryFn: () => data(api.GET('/api/admin/tokens')) });
/** The audit log's filters, as GET /api/audit takes them. */
export type AuditFilters = NonNullable<paths['/api/audit']['get']['parameters']['query']>;
export const useAudit = (filters: AuditFilters) =>
  useQuery({
    queryKey: keys.audit(filters),
    queryFn: async () => (await data(api.GET('/api/audit', { params: { query: filters } }))).entries,
  });
/** The audit log's hash chain, checked on the server (its first broken entry, if any). */
export const useAuditChain = () =>
  useQuery({ queryKey: keys.auditChain, queryFn: () => data(api.GET('/api/audit/verify')) });
export const useNotifyChannels = () =>
  useQuery({
    queryKey: keys.notifyChannels,
    queryFn: async () => (await data(api.GET('/api/notifications/channels'))).channels,
  });
export const useNotifyDeliveries = () =>
  useQuery({
    queryKey: keys.notifyDeliveries,
    queryFn: async () =>
      (await data(api.GET('/api/notifications/deliveries', { params: { query: { limit: 100 } } }))).deliveries,
  });

export const useTemplates = () =>
  useQuery({
    queryKey: keys.templates,
    queryFn: async () => (await data(api.GET('/api/templates'))).templates,
  });
export const useTemplate = (name: string) =>
  useQuery({
    queryKey: keys.template(name),
    queryFn: () => data(api.GET('/api/templates/{name}', { params: { path: { name } } })),
  });
/** The catalog's apps, and the entries that cannot be used (by name: why). */
export const useCatalog = () =>
  useQuery({
    queryKey: keys.catalog,
    queryFn: async () => {
      const r = await data(api.GET('/api/catalog'));
      return { apps: r.apps, problems: r.problems ?? {} };
    },
  });
export const useCatalogApp = (name: string) =>
  useQuery({
    queryKey: keys.catalogApp(name),
    queryFn: () => data(api.GET('/api/catalog/{name}', { params: { path: { name } } })),
  });
/** What the compartment was made from (null: made by hand, or imported). */
export const useOrigin = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'origin'),
    queryFn: async () => (await data(api.GET('/api/compartments/{id}/origin', inC(id)))).origin,
  });
/** Every service compartments provide each other that the user may see, with who uses it. */
export const useConnections = () =>
  useQuery({ queryKey: keys.connections, queryFn: () => data(api.GET('/api/connections')) });
/** The edge and every route the user may see (each one requested through the edge once: not instant). */
export const useEdge = () => useQuery({ queryKey: keys.edge, queryFn: () => data(api.GET('/api/edge')) });
/** The edge and one compartment's routes (under the compartment's key: an apply there reads them again). */
export const useCompartmentRoutes = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'routes'),
    queryFn: () => data(api.GET('/api/edge', { params: { query: { compartment: id } } })),
  });

/** How often the Stats tab samples its compartment's containers. */
export const STATS_INTERVAL_MS = 5_000;
/**
 * One sample of the compartment's running containers, taken again every few seconds while the tab shows it and the
 * browser tab is visible (TanStack Query does not poll a hidden document).
 */
export const useStats = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'stats'),
    queryFn: () => data(api.GET('/api/compartments/{id}/stats', inC(id))),
    refetchInterval: STATS_INTERVAL_MS,
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
