/**
 * TanStack Query hooks over the API client: one query key scheme, reads as queries, changes as mutations that
 * refresh what they change. Live updates come from the SSE stream (events.tsx), never from polling.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from './client';
import { routes } from './routes';
import type {
  ApiToken,
  ApplyResult,
  AuditChain,
  AuditEntry,
  BackupList,
  BackupPolicyView,
  CatalogApp,
  CatalogAppDetail,
  CompartmentDetail,
  CompartmentList,
  ConfigFileList,
  Connections,
  EdgeStatus,
  History,
  ImageCheckList,
  ImageList,
  InstalledApp,
  NotifyChannelList,
  NotifyDeliveryList,
  RegistryList,
  RevisionDetail,
  SecretList,
  Session,
  SetupStatus,
  SpecDocument,
  TemplateDetail,
  TemplateInfo,
  UnitGraph,
  UnitList,
  UpgradableList,
  UserInfo,
  VolumeList,
} from './types';

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
  audit: (filters: Record<string, string>) => ['audit', filters] as const,
  auditChain: ['audit', 'chain'] as const,
  doctor: ['doctor'] as const,
  notifyChannels: ['notifications', 'channels'] as const,
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
        return await api.get<Session>(routes.session);
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

export const useSetupStatus = () =>
  useQuery({ queryKey: keys.setup, queryFn: () => api.get<SetupStatus>(routes.setup), staleTime: Infinity });

export const useCompartments = () =>
  useQuery({
    queryKey: keys.compartments,
    queryFn: async () => (await api.get<CompartmentList>(routes.compartments)).compartments,
  });

export const useCompartment = (id: string) =>
  useQuery({ queryKey: keys.compartment(id), queryFn: () => api.get<CompartmentDetail>(routes.compartment(id)) });

export const useUnits = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'units'),
    queryFn: async () => (await api.get<UnitList>(routes.units(id))).units,
  });

export const useVolumes = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'volumes'),
    queryFn: async () => (await api.get<VolumeList>(routes.volumes(id))).volumes,
  });
export const useSecrets = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'secrets'),
    queryFn: async () => (await api.get<SecretList>(routes.secrets(id))).secrets,
  });
export const useRegistries = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'registries'),
    queryFn: async () => (await api.get<RegistryList>(routes.registries(id))).registries,
  });
export const useConfigFiles = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'config-files'),
    queryFn: async () => (await api.get<ConfigFileList>(routes.configFiles(id))).files,
  });
export const useUpdates = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'updates'),
    queryFn: async () => (await api.get<ImageCheckList>(routes.updates(id))).checks,
  });
export const useUpgradable = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'upgradable'),
    queryFn: async () => (await api.get<UpgradableList>(routes.upgradable(id))).units,
  });
export const useDependencies = (id: string) =>
  useQuery({ queryKey: keys.part(id, 'dependencies'), queryFn: () => api.get<UnitGraph>(routes.dependencies(id)) });
export const useImages = (id: string) =>
  useQuery({ queryKey: keys.part(id, 'images'), queryFn: () => api.get<ImageList>(routes.images(id)) });
export const useBackups = (id: string) =>
  useQuery({ queryKey: keys.part(id, 'backups'), queryFn: () => api.get<BackupList>(routes.backups(id)) });
export const useBackupPolicy = (id: string) =>
  useQuery({
    queryKey: [...keys.part(id, 'backups'), 'policy'],
    queryFn: () => api.get<BackupPolicyView>(routes.backupPolicy(id)),
  });
export const useHistory = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'history'),
    queryFn: async () => (await api.get<History>(routes.history(id))).revisions,
  });
export const useSpec = (id: string) =>
  useQuery({ queryKey: keys.part(id, 'spec'), queryFn: () => api.get<SpecDocument>(routes.spec(id)) });

export const useRevision = (id: string, n: number | undefined) =>
  useQuery({
    queryKey: [...keys.part(id, 'revision'), n],
    queryFn: () => api.get<RevisionDetail>(routes.revision(id, n!)),
    enabled: n !== undefined,
    staleTime: Infinity,
  });

export function useUnitAction(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ unit, action }: { unit: string; action: 'start' | 'stop' | 'restart' }) =>
      api.post<UnitList>(routes.unitAction(id, action), { units: [unit] }),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.compartment(id) }),
  });
}

export function useRollback(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (revision: number) => api.post<ApplyResult>(routes.rollback(id), { revision }),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.compartment(id) }),
  });
}

export const useUsers = () => useQuery({ queryKey: keys.users, queryFn: () => api.get<UserInfo[]>(routes.users) });
export const useTokens = () => useQuery({ queryKey: keys.tokens, queryFn: () => api.get<ApiToken[]>(routes.tokens) });
export const useAudit = (filters: Record<string, string>) =>
  useQuery({
    queryKey: keys.audit(filters),
    queryFn: async () => (await api.get<{ entries: AuditEntry[] }>(routes.audit, { query: filters })).entries,
  });
export const useAuditChain = () =>
  useQuery({ queryKey: keys.auditChain, queryFn: () => api.get<AuditChain>(routes.auditVerify) });
export const useNotifyChannels = () =>
  useQuery({
    queryKey: keys.notifyChannels,
    queryFn: async () => (await api.get<NotifyChannelList>(routes.notifyChannels)).channels,
  });
export const useNotifyDeliveries = () =>
  useQuery({
    queryKey: keys.notifyDeliveries,
    queryFn: async () =>
      (await api.get<NotifyDeliveryList>(routes.notifyDeliveries, { query: { limit: 100 } })).deliveries,
  });

export const useTemplates = () =>
  useQuery({
    queryKey: keys.templates,
    queryFn: async () => (await api.get<{ templates: TemplateInfo[] }>(routes.templates)).templates,
  });
export const useTemplate = (name: string) =>
  useQuery({ queryKey: keys.template(name), queryFn: () => api.get<TemplateDetail>(routes.template(name)) });
/** The catalog's apps, and the entries that cannot be used (by name: why). */
export const useCatalog = () =>
  useQuery({
    queryKey: keys.catalog,
    queryFn: async () => {
      const r = await api.get<{ apps: CatalogApp[]; problems?: Record<string, string> }>(routes.catalog);
      return { apps: r.apps, problems: r.problems ?? {} };
    },
  });
export const useCatalogApp = (name: string) =>
  useQuery({ queryKey: keys.catalogApp(name), queryFn: () => api.get<CatalogAppDetail>(routes.catalogApp(name)) });
/** What the compartment was made from (null: made by hand, or imported). */
export const useOrigin = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'origin'),
    queryFn: async () => (await api.get<{ origin: InstalledApp | null }>(routes.origin(id))).origin,
  });
/** Every service compartments provide each other that the user may see, with who uses it. */
export const useConnections = () =>
  useQuery({ queryKey: keys.connections, queryFn: () => api.get<Connections>(routes.connections) });
/** The edge and every route the user may see (each one requested through the edge once: not instant). */
export const useEdge = () => useQuery({ queryKey: keys.edge, queryFn: () => api.get<EdgeStatus>(routes.edge) });
/** The edge and one compartment's routes (under the compartment's key: an apply there reads them again). */
export const useCompartmentRoutes = (id: string) =>
  useQuery({
    queryKey: keys.part(id, 'routes'),
    queryFn: () => api.get<EdgeStatus>(routes.edge, { query: { compartment: id } }),
  });
