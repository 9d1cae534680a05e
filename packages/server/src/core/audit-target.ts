// What an audit entry names as its target: the object a change was made to, the same from the API and the CLI.
// Objects of the whole server are `kind:name` (`user:alice`, `token:deploy`, `template:blog`, `grant:alice@web`,
// `notify-channel:ops`, `certificate:<fingerprint>`, `edge:settings`); a compartment is `compartment:ID` and what
// is in it `compartment:ID/kind:name` (`secret:db-password`, `volume:data`, `registry:docker.io`,
// `file:app/app.ini`, `unit:web.container`, `revision:4`, `snapshot:1a2b3c4d`, `container:web`). The audit log
// reads the compartment of an entry from that prefix. A secret's value, a password or a token is never a target.
import type { ApplyResult } from './apply/engine.js';
import type { Plan } from './plan.js';

export const compartmentTarget = (id: string): string => `compartment:${id}`;

/** An object in compartment `id`: `compartment:web/secret:db-password`. */
export const inCompartment = (id: string, kind: string, name: string | number): string =>
  `compartment:${id}/${kind}:${name}`;

/** The units acted on (`unit:web.service,db.service`), or all of them (`unit:*`). */
export const unitsTarget = (id: string, units: readonly string[]): string =>
  inCompartment(id, 'unit', units.length > 0 ? units.join(',') : '*');

/** A grant: who holds it and where (`grant:alice@web`, `grant:alice@*`). */
export const grantTarget = (username: string, scope: string): string => `grant:${username}@${scope}`;

/** What a plan changes, for an audit entry: the files added, changed and removed, and the edge routes. */
export function planChanges(plan: Plan): Record<string, unknown> {
  const files = (kind: string) => plan.changes.filter((c) => c.kind === kind).map((c) => c.path);
  const added = files('added');
  const changed = files('changed');
  const removed = files('removed');
  return {
    ...(added.length > 0 ? { added } : {}),
    ...(changed.length > 0 ? { changed } : {}),
    ...(removed.length > 0 ? { removed } : {}),
    ...(plan.routes && (plan.routes.add.length > 0 || plan.routes.remove.length > 0) ? { routes: plan.routes } : {}),
  };
}

/**
 * An apply (or an upgrade, a roll back, a file written) as the audit log keeps it: `ok` when applied or nothing to
 * do, else `failed`; the revision it made as the target (when it made one and `target` is not given), and what it
 * changed.
 */
export function applyAudit(
  id: string,
  r: ApplyResult,
  target?: string,
): { result: 'ok' | 'failed'; target: string; details: Record<string, unknown> } {
  return {
    result: r.outcome === 'applied' || r.outcome === 'noop' ? 'ok' : 'failed',
    target: target ?? (r.revision !== undefined ? inCompartment(id, 'revision', r.revision) : compartmentTarget(id)),
    details: { outcome: r.outcome, revision: r.revision ?? null, ...planChanges(r.plan) },
  };
}
