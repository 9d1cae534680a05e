// Asks registries, AS a compartment user, which digest each image's tag points to now, without pulling.
// Changes on the machine: nothing. It starts agent/registry-agent.cjs with the user's uid, gid and groups
// (session.ts's asUser), which reads that user's authfiles and CA folders and makes HTTPS requests to the
// registries (one manifest HEAD per image, plus a token request and one retry when a registry asks for a login).
// The server never reads the user's logins itself; the answer carries no credential.

import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CommandError, InvalidError } from '../core/errors.js';
import type { RegistryCheckResult } from '../core/images/update-check.js';
import type { Exec } from './exec.js';
import { asUser, type CompartmentSession } from './session.js';

/** The agent's file: beside this module in the sources, in dist/cli/agent/ in the CLI's bundle (like FILE_AGENT). */
export const REGISTRY_AGENT = fileURLToPath(new URL('./agent/registry-agent.cjs', import.meta.url));

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
};

/** This machine's platform as image indexes name it. */
export function hostPlatform(): Platform {
  return { os: 'linux', architecture: ARCH[process.arch] ?? process.arch };
}

const resultSchema = z.discriminatedUnion('ok', [
  z.object({ image: z.string(), ok: z.literal(true), digest: z.string().min(1), mediaType: z.string() }),
  z.object({
    image: z.string(),
    ok: z.literal(false),
    code: z.enum(['unauthorized', 'not-found', 'unreachable', 'tls', 'invalid', 'local', 'registry-error']),
    message: z.string(),
  }),
]);
const answerSchema = z.object({ results: z.array(resultSchema) });

/** Per request the agent waits at most 10 s; an image takes up to three (HEAD, token, HEAD). */
const PER_IMAGE_MS = 30_000;
/** The privileged helper's limit for one command. */
const MAX_MS = 3_600_000;

export class RegistryCheck {
  constructor(
    private readonly exec: Exec,
    private readonly agent = REGISTRY_AGENT,
  ) {}

  /** One answer per image, in order. A malformed request or answer is an error; a registry's refusal is a result. */
  async check(
    session: CompartmentSession,
    images: readonly string[],
    platform: Platform = hostPlatform(),
  ): Promise<RegistryCheckResult[]> {
    if (images.length === 0) return [];
    const argv = asUser(session, [process.execPath, this.agent]);
    const r = await this.exec.run(argv, {
      input: JSON.stringify({ images, platform }),
      timeoutMs: Math.min(MAX_MS, 15_000 + PER_IMAGE_MS * images.length),
    });
    let json: unknown;
    try {
      json = JSON.parse(r.stdout);
    } catch {
      throw new CommandError(
        { argv, exitCode: r.code, signal: null, stdout: r.stdout.slice(0, 2000), stderr: r.stderr, timedOut: false },
        { message: `the registry agent of ${session.user} gave no answer` },
      );
    }
    const answer = answerSchema.safeParse(json);
    if (!answer.success) {
      throw new InvalidError(`the registry agent of ${session.user} answered out of form: ${answer.error.message}`);
    }
    const results = answer.data.results;
    if (results.length !== images.length || results.some((x, i) => x.image !== images[i])) {
      throw new InvalidError(`the registry agent of ${session.user} answered other images than asked`);
    }
    return results;
  }
}
