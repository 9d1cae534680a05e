/**
 * Roles and grants, pure: a principal's role in a compartment is the highest of its global grant and its grant
 * for that compartment. An API token's role is capped by its owner's (a token never outlives its owner's rights).
 */
import type { Role } from '../types.js';

export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
export const GLOBAL = '*';

export const rankOf = (r: Role | undefined): number => (r ? ROLES.indexOf(r) + 1 : 0);

export const atLeast = (held: Role | undefined, wanted: Role): boolean => rankOf(held) >= rankOf(wanted);

export function maxRole(a: Role | undefined, b: Role | undefined): Role | undefined {
  return rankOf(a) >= rankOf(b) ? a : b;
}

export function minRole(a: Role | undefined, b: Role | undefined): Role | undefined {
  return rankOf(a) <= rankOf(b) ? a : b;
}

export interface GrantLike {
  compartment: string;
  role: Role;
}

/** What a set of grants gives: in one compartment, or (compartment undefined) globally. */
export function roleIn(grants: readonly GrantLike[], compartment?: string): Role | undefined {
  let role: Role | undefined;
  for (const g of grants) {
    if (g.compartment === GLOBAL || (compartment !== undefined && g.compartment === compartment)) {
      role = maxRole(role, g.role);
    }
  }
  return role;
}

/** The compartments a principal may see at `role`: all of them, or the listed ones. */
export function compartmentsAt(grants: readonly GrantLike[], role: Role): 'all' | Set<string> {
  if (atLeast(roleIn(grants), role)) return 'all';
  return new Set(grants.filter((g) => g.compartment !== GLOBAL && atLeast(g.role, role)).map((g) => g.compartment));
}
