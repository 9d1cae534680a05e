/**
 * Every API path the web client calls, in one place, so that adapting to the server's contract is one edit.
 */
const c = (id: string) => `/api/compartments/${encodeURIComponent(id)}`;

export const routes = {
  setupStatus: '/api/setup',
  setup: '/api/setup',
  session: '/api/auth/session',
  login: '/api/auth/login',
  logout: '/api/auth/logout',
  events: '/api/events',
  doctor: '/api/doctor',
  compartments: '/api/compartments',
  compartment: c,
  spec: (id: string) => `${c(id)}/spec`,
  files: (id: string) => `${c(id)}/files`,
  unitAction: (id: string, unit: string, action: 'start' | 'stop' | 'restart') =>
    `${c(id)}/units/${encodeURIComponent(unit)}/${action}`,
  logs: (id: string) => `${c(id)}/logs`,
  terminal: (id: string, container: string) => `${c(id)}/containers/${encodeURIComponent(container)}/terminal`,
  explain: (id: string) => `${c(id)}/explain`,
  volumes: (id: string) => `${c(id)}/volumes`,
  secrets: (id: string) => `${c(id)}/secrets`,
  registries: (id: string) => `${c(id)}/registries`,
  configFiles: (id: string) => `${c(id)}/config-files`,
  history: (id: string) => `${c(id)}/revisions`,
  revision: (id: string, n: number) => `${c(id)}/revisions/${n}`,
  rollback: (id: string, n: number) => `${c(id)}/revisions/${n}/rollback`,
  plan: (id: string) => `${c(id)}/plan`,
  apply: (id: string) => `${c(id)}/apply`,
  export: (id: string) => `${c(id)}/export`,
  import: '/api/import',
  adopt: '/api/adopt',
  users: '/api/users',
  user: (name: string) => `/api/users/${encodeURIComponent(name)}`,
  tokens: '/api/tokens',
  token: (id: string) => `/api/tokens/${encodeURIComponent(id)}`,
  audit: '/api/audit',
  auditVerify: '/api/audit/verify',
} as const;
