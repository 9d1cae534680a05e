// A compartment's Quadlet unit files. Changes on the machine: writes (atomically), and removes files in
// ~/.config/containers/systemd of the compartment user, as that user (user-files.ts) — nothing outside that
// folder.

import type { UnitName } from '../core/ids.js';
import type { Exec } from './exec.js';
import type { CompartmentSession } from './session.js';
import { UserFiles } from './user-files.js';

export const QUADLET_DIR = '.config/containers/systemd';

export const quadletDir = (s: CompartmentSession): string => `${s.home}/${QUADLET_DIR}`;

export class UnitFiles {
  private readonly files: UserFiles;

  constructor(
    exec: Exec,
    private readonly session: CompartmentSession,
  ) {
    this.files = new UserFiles(exec, session);
  }

  /** Write one unit file (0644, owned by the compartment user). */
  async write(name: UnitName, text: string): Promise<string> {
    await this.files.write(`${QUADLET_DIR}/${name}`, text, { mode: 0o644 });
    return `${quadletDir(this.session)}/${name}`;
  }

  async read(name: UnitName): Promise<string> {
    return this.files.readFile(`${QUADLET_DIR}/${name}`);
  }

  /** File names in the Quadlet folder (regular files only), sorted. */
  async list(): Promise<string[]> {
    return (await this.files.list(QUADLET_DIR))
      .filter((e) => e.kind === 'file' && !e.name.startsWith('.'))
      .map((e) => e.name);
  }

  async remove(name: UnitName): Promise<void> {
    await this.files.remove(`${QUADLET_DIR}/${name}`);
  }

  get path(): string {
    return quadletDir(this.session);
  }
}
