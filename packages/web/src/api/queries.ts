/**
 * TanStack Query hooks over the API client: one query key scheme, reads as queries, changes as mutations that
 * refresh what they change. Live updates come from the SSE stream (events.tsx), never from polling.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from './client';
import { routes } from './routes';
import type {
  ApiToken,
  AuditChain,
  AuditEntry,
  CompartmentDetail,
  CompartmentFile,
  CompartmentInfo,
  ConfigFileEntry,
  Plan,
  RegistryLogin,
  RevisionInfo,
  SecretEntry,
  Session,
  SetupStatus,
  UserInfo,
  VolumeInfo,
} from './types';

export const keys = {
  session: ['session'] as const,
  setup: ['setup'] as const,
  compartments: ['compartments'] as const,
  compartment: (id: string) => ['compartments', id] as const,
  part: (id: string, part: string) => ['compartments', id, part] as const,
  users: ['users'] as const,
  tokens: ['tokens'] as const,
  audit: (filters: Record<string, string>) => ['audit', filters] as const,
  auditChain: ['audit', 'chain'] as const,
  doctor: ['doctor'] as const,
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
  useQuery({ queryKey: keys.setup, queryFn: () => api.get<SetupStatus>(routes.setupStatus), staleTime: Infinity });

export const useCompartments = () =>
  useQuery({ queryKey: keys.compartments, queryFn: () => api.get<CompartmentInfo[]>(routes.compartments) });

export const useCompartment = (id: string) =>
  useQuery({ queryKey: keys.compartment(id), queryFn: () => api.get<CompartmentDetail>(routes.compartment(id)) });

const part =
  <T>(name: string, path: (id: string) => string) =>
  (id: string, enabled = true) =>
    useQuery({ queryKey: keys.part(id, name), queryFn: () => api.get<T>(path(id)), enabled });

export const useVolumes = part<VolumeInfo[]>('volumes', routes.volumes);
export const useSecrets = part<SecretEntry[]>('secrets', routes.secrets);
export const useRegistries = part<RegistryLogin[]>('registries', routes.registries);
export const useConfigFiles = part<ConfigFileEntry[]>('config-files', routes.configFiles);
export const useHistory = part<RevisionInfo[]>('history', routes.history);
export const useFiles = part<CompartmentFile[]>('files', routes.files);

export const useRevisionDiff = (id: string, n: number | undefined) =>
  useQuery({
    queryKey: [...keys.part(id, 'revision'), n],
    queryFn: () => api.get<{ number: number; plan?: Plan; diff?: string }>(routes.revision(id, n!)),
    enabled: n !== undefined,
  });

export function useUnitAction(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ unit, action }: { unit: string; action: 'start' | 'stop' | 'restart' }) =>
      api.post<unknown>(routes.unitAction(id, unit, action)),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.compartment(id) }),
  });
}

export function useRollback(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (n: number) => api.post<unknown>(routes.rollback(id, n)),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.compartment(id) }),
  });
}

export const useUsers = () => useQuery({ queryKey: keys.users, queryFn: () => api.get<UserInfo[]>(routes.users) });
export const useTokens = () => useQuery({ queryKey: keys.tokens, queryFn: () => api.get<ApiToken[]>(routes.tokens) });
export const useAudit = (filters: Record<string, string>) =>
  useQuery({
    queryKey: keys.audit(filters),
    queryFn: () => api.get<AuditEntry[]>(routes.audit, { query: filters }),
  });
export const useAuditChain = () =>
  useQuery({ queryKey: keys.auditChain, queryFn: () => api.get<AuditChain>(routes.auditVerify) });
