/**
 * The real Quadlet generator judges a set the same way before and after it travels as a bundle: a compartment
 * with every unit type (and one unit the generator rejects) is rendered and generated; exported, imported into
 * another compartment, rendered and generated again. The same services come out with the same command lines
 * (but for the host volume folder, which is the new compartment's), and the same units are rejected. The parts
 * alone, as `podman quadlet install` would write them (extension comments kept in the first unit), get the same
 * verdicts too.
 */
import { describe, expect, it } from 'vitest';
import { runGenerator } from '../../../../../scripts/oracle/generator';
import { areaOf, pathInArea } from '../layout.js';
import { render } from '../render.js';
import { type DesiredState, parseSpecText } from '../spec.js';
import { EVERY_TYPE_YAML, setupBundles } from './bundles.test-support.js';
import { readBundle } from './bundles-format.js';

const BROKEN = `  broken.container:\n    text: "[Container]\\nNetwork=nowhere.network\\nExec=true\\n"\n`;

function quadletFiles(state: DesiredState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [p, text] of render(state).files) if (areaOf(p) === 'quadlet') out[pathInArea(p)] = text;
  return out;
}

function verdicts(files: Record<string, string>) {
  const g = runGenerator(files);
  expect(g.crashed, g.stderr).toBe(false);
  expect([...g.loadErrors]).toEqual([]);
  return {
    units: new Map([...g.units].map(([name, text]) => [name, execStart(text)])),
    rejected: [...g.rejected.keys()].sort(),
  };
}

/** The command line, with the generator's temporary folder (a build context) named alike. */
const execStart = (service: string) =>
  (/^ExecStart=(.*)$/m.exec(service)?.[1] ?? '').replace(/\/tmp\/qm-oracle-[A-Za-z0-9]+/g, 'DIR');

describe('bundles and the real generator', () => {
  it('export → import keeps every verdict and every command line', async () => {
    const t = setupBundles();
    const source = parseSpecText(EVERY_TYPE_YAML.replace('units:\n', `units:\n${BROKEN}`));
    t.store.compartments.create({ id: source.id });
    t.store.compartments.saveState(source);
    const before = verdicts(quadletFiles(source));
    expect(before.rejected).toEqual(['broken.container']);
    expect(before.units.size).toBeGreaterThan(8);

    const bundle = t.bundles.export('every').text;
    const imported = await t.bundles.import('copy', bundle, 'every.quadlets');
    const after = verdicts(quadletFiles(imported.state));
    expect(after.rejected).toEqual(before.rejected);
    expect([...after.units.keys()].sort()).toEqual([...before.units.keys()].sort());
    for (const [name, exec] of before.units) {
      expect(after.units.get(name), name).toBe(exec.replaceAll('/volumes/every/', '/volumes/copy/'));
    }

    // the parts alone, as Podman installs them: the same units convert, the same one is rejected
    const parts = Object.fromEntries(readBundle(bundle).content!.units.map((u) => [u.name, u.text]));
    const podmanView = verdicts(
      Object.fromEntries(
        Object.entries(quadletFiles(source)).map(([p, text]) => [
          p,
          p.includes('/') || !(p in parts) ? text : parts[p]!,
        ]),
      ),
    );
    expect(podmanView.rejected).toEqual(before.rejected);
    expect([...podmanView.units.keys()].sort()).toEqual([...before.units.keys()].sort());
  });
});
