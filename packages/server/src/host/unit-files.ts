// A compartment's Quadlet unit files. Changes on the machine: writes (atomically), and removes files in
// ~/.config/containers/systemd of the compartment user, owned by that user — nothing outside that folder.

import type { UnitName } from '../core/ids.js';
import { ConfinedFs } from './fs.js';
import type { CompartmentSession } from './session.js';

export const QUADLET_DIR = '.config/containers/systemd';

export const quadletDir = (s: CompartmentSession): string => `${s.home}/${QUADLET_DIR}`;

export class UnitFiles {
  private readonly home: ConfinedFs;
  private readonly dir: ConfinedFs;

  constructor(private readonly session: CompartmentSession) {
    this.home = new ConfinedFs(session.home);
    this.dir = new ConfinedFs(quadletDir(session));
  }

  private async ensureDir(): Promise<void> {
    const owner = await this.home.ownerOfRoot();
    await this.home.mkdirp(QUADLET_DIR, { owner, mode: 0o755 });
  }

  /** Write one unit file (0644, owned by the compartment user). */
  async write(name: UnitName, text: string): Promise<string> {
    await this.ensureDir();
    const owner = await this.home.ownerOfRoot();
    return this.dir.writeFileAtomic(name, text, { owner, mode: 0o644 });
  }

  async read(name: UnitName): Promise<string> {
    return this.dir.readFile(name);
  }

  /** File names in the Quadlet folder (regular files only), sorted. */
  async list(): Promise<string[]> {
    await this.ensureDir();
    return (await this.dir.list()).filter((e) => e.kind === 'file' && !e.name.startsWith('.')).map((e) => e.name);
  }

  async remove(name: UnitName): Promise<void> {
    await this.dir.remove(name);
  }

  get path(): string {
    return quadletDir(this.session);
  }
}
