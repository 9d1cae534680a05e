// The privileged helper's protocol: JSON lines over a Unix stream socket, a request or an answer per line.
// Changes nothing on the machine (types, schemas and framing only).
//
//   request   {"id": 7, "verb": "run-as", "args": {…}}
//   answer    {"id": 7, "ok": true, "result": …}   or   {"id": 7, "ok": false, "error": {"code", "message", …}}
//   a stream  {"id": 7, "line": "…"} per line, then its answer (how the command ended); {"id": 8, "verb": "stop",
//             "args": {"stream": 7}} ends it early
//
// The verbs are a fixed list, each with a schema the helper checks again whatever its client checked: names
// are compartment ids (never a user name, never a path), argv are lists of strings (never a shell string),
// environments are names and values. Nothing takes a free path.
import { z } from 'zod';
import {
  AppError,
  CommandError,
  ConflictError,
  type ErrorCode,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  UnauthorizedError,
} from '../../core/errors.js';
import { CompartmentIdSchema } from '../../core/ids.js';

export const DEFAULT_HELPER_SOCKET = '/run/quadletman/helper.sock';

const Argv = z
  .array(
    z
      .string()
      .max(1024 * 1024)
      .refine((a) => !a.includes('\0'), 'an argument holds NUL'),
  )
  .min(1)
  .max(4096);
const Env = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  z
    .string()
    .max(64 * 1024)
    .refine((v) => !v.includes('\0')),
);
const VolumeName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/);

export const VERBS = {
  ping: z.object({}).strict(),
  /** Runs argv as the compartment's user (its session environment, its home as the working folder). */
  'run-as': z
    .object({
      compartment: CompartmentIdSchema,
      argv: Argv,
      env: Env.optional(),
      input: z
        .string()
        .max(256 * 1024 * 1024)
        .optional(),
      inputAsPipe: z.boolean().optional(),
      timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
    })
    .strict(),
  /** The same as a stream of stdout lines (and stderr's, when asked), until it ends or is stopped. */
  'stream-as': z
    .object({
      compartment: CompartmentIdSchema,
      argv: Argv,
      env: Env.optional(),
      /** The command's stdin (a password: small). */
      input: z
        .string()
        .max(64 * 1024)
        .optional(),
      includeStderr: z.boolean().optional(),
      timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
    })
    .strict(),
  stop: z.object({ stream: z.number().int().nonnegative() }).strict(),
  /** A terminal: argv on a pty as the compartment's user; its output comes as base64 lines, then how it ended. */
  'pty-as': z
    .object({
      compartment: CompartmentIdSchema,
      argv: Argv,
      env: Env.optional(),
      cols: z.number().int().min(2).max(1000),
      rows: z.number().int().min(2).max(500),
    })
    .strict(),
  'pty-write': z.object({ stream: z.number().int().nonnegative(), data: z.string().max(1024 * 1024) }).strict(),
  'pty-resize': z
    .object({
      stream: z.number().int().nonnegative(),
      cols: z.number().int().min(2).max(1000),
      rows: z.number().int().min(2).max(500),
    })
    .strict(),
  /** The compartment's Linux user, group, subids, linger, storage configuration and a running user manager. */
  'compartment-create': z.object({ id: CompartmentIdSchema }).strict(),
  /** Everything compartment-create made, and the user's containers, storage and home. */
  'compartment-delete': z.object({ id: CompartmentIdSchema }).strict(),
  /** Managed host volume folders of a compartment, made when missing and given to its user. */
  'volumes-ensure': z.object({ compartment: CompartmentIdSchema, volumes: z.array(VolumeName).max(1000) }).strict(),
  /** The compartment's helper users `qm-<id>-<uid>`: exactly these container ids (made or removed). */
  'helper-users-sync': z
    .object({
      compartment: CompartmentIdSchema,
      ids: z.array(z.number().int().min(1).max(65535)).max(1000),
    })
    .strict(),
  /** One managed host volume folder and its content. */
  'volume-remove': z.object({ compartment: CompartmentIdSchema, volume: VolumeName }).strict(),
  /** PAM's verdict on a host user's password (pam_unix checks another user's password only for root), and
   * whether the user is in one of `groups`. Never for root. */
  'pam-authenticate': z
    .object({
      username: z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/i),
      password: z.string().max(1024),
      remoteHost: z.string().max(255),
      groups: z.array(z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/i)).max(32),
    })
    .strict(),
  /** The loopback guard (host/loopback-guard.ts): which compartments' users, and whether the edge's, may connect
   * to each of quadletman's loopback ports. Replaces the whole guard; an empty list removes it. */
  'loopback-guard': z
    .object({
      ports: z
        .array(
          z
            .object({
              port: z.number().int().min(1024).max(65535),
              compartments: z.array(CompartmentIdSchema).max(1000),
              edge: z.boolean(),
              what: z.string().max(1024),
            })
            .strict(),
        )
        .max(20000),
    })
    .strict(),
  /** quadletman's own backups (host/self-backup.ts): the repository without its secrets, the snapshots, the last
   * run and the daily timer. */
  'self-backup-status': z.object({}).strict(),
  /** Starts a backup of quadletman's own state now (the daily timer's service; it needs a repository set). */
  'self-backup-start': z.object({}).strict(),
  /** A deleted compartment's whole volumes folder. */
  'volumes-remove-all': z.object({ compartment: CompartmentIdSchema }).strict(),
} as const;

export type Verb = keyof typeof VERBS;
export type VerbArgs<V extends Verb> = z.infer<(typeof VERBS)[V]>;

export interface Request {
  id: number;
  verb: Verb;
  args: unknown;
}

export interface WireError {
  code: ErrorCode;
  message: string;
  name?: string;
  /** For command failures: how the command ended (argv, exit code, stdout, stderr, timed out). */
  command?: {
    argv: string[];
    exitCode: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
    timedOut: boolean;
  };
}

export type Answer =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: WireError }
  | { id: number; line: string };

export function toWireError(e: unknown): WireError {
  if (e instanceof CommandError) {
    return {
      code: e.code,
      message: e.message,
      name: e.name,
      command: {
        argv: [...e.argv],
        exitCode: e.exitCode,
        signal: e.signal,
        stdout: e.stdout.slice(-64 * 1024),
        stderr: e.stderr.slice(-64 * 1024),
        timedOut: e.timedOut,
      },
    };
  }
  if (e instanceof AppError) return { code: e.code, message: e.message, name: e.name };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** The helper's error as the one it was (the same class, code and message). */
export function fromWireError(w: WireError): AppError {
  if (w.command) return new CommandError(w.command, { message: w.message });
  switch (w.code) {
    case 'not_found':
      return new NotFoundError(w.message);
    case 'invalid':
      return new InvalidError(w.message);
    case 'conflict':
      return new ConflictError(w.message);
    case 'forbidden':
      return new ForbiddenError(w.message);
    case 'unauthorized':
      return new UnauthorizedError(w.message);
    default:
      return new AppError(w.code, w.message);
  }
}

/** Splits a byte stream into lines (without their newline); a line longer than `max` is an error. */
export class LineSplitter {
  private partial = '';
  constructor(private readonly max = 512 * 1024 * 1024) {}

  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    if (this.partial.length > this.max) throw new Error(`a line longer than ${this.max} bytes`);
    return parts;
  }
}
