/**
 * Every API path the web client calls, in one place (packages/server/src/http registers them).
 */
const c = (id: string) => `/api/compartments/${encodeURIComponent(id)}`;

export const routes = {
  setup: '/api/auth/setup',
  session: '/api/auth/session',
  login: '/api/auth/login',
  logout: '/api/auth/logout',
  events: '/api/events',
  doctor: '/api/doctor',
  compartments: '/api/compartments',
  compartment: c,
  spec: (id: string) => `${c(id)}/spec`,
  units: (id: string) => `${c(id)}/units`,
  unitAction: (id: string, action: 'start' | 'stop' | 'restart') => `${c(id)}/units/${action}`,
  logs: (id: string) => `${c(id)}/logs`,
  terminal: (id: string, container: string) => `${c(id)}/containers/${encodeURIComponent(container)}/terminal`,
  volumes: (id: string) => `${c(id)}/volumes`,
  secrets: (id: string) => `${c(id)}/secrets`,
  registries: (id: string) => `${c(id)}/registries`,
  configFiles: (id: string) => `${c(id)}/files`,
  images: (id: string) => `${c(id)}/images`,
  pruneImages: (id: string) => `${c(id)}/images/prune`,
  updates: (id: string) => `${c(id)}/updates`,
  checkUpdates: (id: string) => `${c(id)}/updates/check`,
  history: (id: string) => `${c(id)}/revisions`,
  revision: (id: string, n: number) => `${c(id)}/revisions/${n}`,
  rollback: (id: string) => `${c(id)}/rollback`,
  plan: (id: string) => `${c(id)}/plan`,
  apply: (id: string) => `${c(id)}/apply`,
  convertCompose: '/api/convert/compose',
  convertRun: '/api/convert/run',
  // Not on the server yet (the UI says "not available" until they are):
  explain: (id: string) => `${c(id)}/explain`,
  export: (id: string) => `${c(id)}/export`,
  import: '/api/import',
  adopt: '/api/adopt',
  auditVerify: '/api/audit/verify',
  // Admin
  users: '/api/admin/users',
  user: (name: string) => `/api/admin/users/${encodeURIComponent(name)}`,
  grant: (name: string, compartment: string) =>
    `/api/admin/users/${encodeURIComponent(name)}/grants/${encodeURIComponent(compartment)}`,
  tokens: '/api/admin/tokens',
  token: (id: string) => `/api/admin/tokens/${encodeURIComponent(id)}`,
  audit: '/api/audit',
  notifyChannels: '/api/notifications/channels',
  notifyChannel: (name: string) => `/api/notifications/channels/${encodeURIComponent(name)}`,
  notifyTest: (name: string) => `/api/notifications/channels/${encodeURIComponent(name)}/test`,
  notifyDeliveries: '/api/notifications/deliveries',
} as const;
