/**
 * What the live routes need from the rest of the server, as ports: the compartments that exist, their
 * journal, their container stats and a terminal into a container. host/watch-*.ts implement them; route
 * tests pass fakes.
 */
import type { CompartmentId } from '../ids.js';

export type LogPriority = 'emerg' | 'alert' | 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug';

/** One journal line of a compartment, as the logs stream sends it. */
export interface LogLine {
  /** The journal cursor: the SSE id, so a reconnecting client resumes after it. */
  cursor: string;
  /** ISO 8601. */
  time: string;
  priority: LogPriority;
  unit: string;
  identifier: string;
  message: string;
  pid?: number;
}

export interface LogQuery {
  /** A systemd unit of the compartment (`web.service`); with neither this nor `units`, every line of its user. */
  unit?: string;
  /** Several units of the compartment (when `unit` is absent). */
  units?: string[];
  /** journalctl --since value (`2026-11-23 07:00`, `-10m`, `@1700000000`). */
  since?: string;
  /** The last N lines before following. */
  lines: number;
  /** Resume after this cursor (Last-Event-ID). */
  afterCursor?: string;
}

export interface LogFollow {
  readonly lines: AsyncIterable<LogLine>;
  stop(): Promise<unknown>;
}

export interface LogsPort {
  read(compartment: CompartmentId, q: LogQuery): Promise<LogLine[]>;
  follow(compartment: CompartmentId, q: LogQuery): LogFollow;
}

/** One container's resource use. Memory and pids are null where the host's cgroups do not give them. */
export interface ContainerStats {
  name: string;
  id: string;
  /** CPU use in percent of one core, averaged by podman since the previous sample. */
  cpuPercent: number;
  /** CPU time used since the container started, in nanoseconds. */
  cpuNanos: number;
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  memoryPercent: number | null;
  pids: number | null;
}

export interface StatsReport {
  compartment: CompartmentId;
  /** ISO 8601: when the sample was taken. */
  at: string;
  /** False when the compartment's cgroup has no memory controller (memory fields are then null). */
  memoryAvailable: boolean;
  containers: ContainerStats[];
}

export interface StatsPort {
  stats(compartment: CompartmentId): Promise<StatsReport>;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** An interactive shell in a container (a pty). */
export interface TerminalSession {
  onData(listener: (data: string) => void): void;
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): void;
  write(data: string): void;
  resize(size: TerminalSize): void;
  /** Ends the shell (and what it started); idempotent. */
  kill(): void;
}

export interface TerminalPort {
  open(compartment: CompartmentId, container: string, size: TerminalSize): Promise<TerminalSession>;
}
