/**
 * The commands that only read and write unit files (lint, fmt). They have an entry point and a bundle of
 * their own (cli/main-files.ts, dist/cli/files.cjs): a tenth of the whole CLI's code to load, which is a
 * good part of a short lint's time.
 */
import type { CommandModule } from './run';

export const FILE_MODULES: CommandModule[] = [
  { commands: ['lint'], load: () => import('./commands/lint').then((m) => m.registerLint) },
  { commands: ['fmt'], load: () => import('./commands/fmt').then((m) => m.registerFmt) },
];
