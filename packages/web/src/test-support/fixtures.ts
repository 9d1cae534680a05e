/// <reference types="vite/client" />
/**
 * The library's fixture unit files (packages/quadlet/fixtures and the unit-file fixtures), read for tests.
 * Vite's import.meta.glob reads them at transform time, so the tests need no file system access.
 */
import { unitTypeOfFile } from '@quadletman/quadlet';

const sets = import.meta.glob('../../../quadlet/fixtures/sets/**/*.{container,pod,network,volume,image,build,kube}', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const unitFiles = import.meta.glob('../../../quadlet/src/unit-file/fixtures/*/input.container', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export interface Fixture {
  /** Where it comes from (for test names). */
  name: string;
  /** A file name whose extension gives the unit type. */
  path: string;
  text: string;
}

export const FIXTURES: Fixture[] = [
  ...Object.entries(sets).map(([p, text]) => ({
    name: p.slice(p.indexOf('fixtures/')),
    path: p.slice(p.lastIndexOf('/') + 1),
    text,
  })),
  ...Object.entries(unitFiles).map(([p, text]) => ({
    name: p.slice(p.indexOf('unit-file/')),
    path: 'input.container',
    text,
  })),
].filter((f) => unitTypeOfFile(f.path) !== undefined);
