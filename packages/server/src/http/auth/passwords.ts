/** Local account passwords: argon2id (RFC 9106's second recommended profile, 64 MiB, 3 passes). */
import { hash, verify } from '@node-rs/argon2';
import { InvalidError } from '../../core/errors.js';

const OPTIONS = {
  algorithm: 2 /* Argon2id (a const enum in the typings) */,
  memoryCost: 65536,
  timeCost: 3,
  parallelism: 1,
} as const;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidError(`A password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidError(`A password has at most ${MAX_PASSWORD_LENGTH} characters.`);
  }
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummy: Promise<string> | undefined;

/**
 * True when `password` matches `phc`. Without a hash (unknown user) it still spends the time of one
 * verification, so response times do not tell which user names exist.
 */
export async function verifyPassword(phc: string | null | undefined, password: string): Promise<boolean> {
  if (!phc) {
    dummy ??= hashPassword('quadletman-dummy-password');
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}
