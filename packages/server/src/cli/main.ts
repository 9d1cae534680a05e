/**
 * quadletman's CLI entry point (dist/cli/app.cjs): every command. cli/main-files.ts is the entry point of the
 * commands that only read and write unit files; cli/launch.ts picks one of the two.
 */
import { FILE_MODULES } from './file-commands';
import { type CommandModule, runCli } from './run';

/** Each module and the top-level commands it registers, in the order help lists them. */
const MODULES: CommandModule[] = [
  {
    commands: ['compartment', 'apply', 'plan', 'history', 'rollback', 'start', 'stop', 'restart', 'status'],
    load: () => import('./commands/compartments').then((m) => m.registerCompartments),
  },
  { commands: ['registry'], load: () => import('./commands/registry').then((m) => m.registerRegistry) },
  {
    commands: ['updates', 'upgrade'],
    load: () =>
      import('./commands/updates').then((m) => (program) => {
        m.registerUpdates(program);
        m.registerUpgrade(program);
      }),
  },
  { commands: ['images'], load: () => import('./commands/images').then((m) => m.registerImages) },
  { commands: ['adopt', 'export', 'import'], load: () => import('./commands/bundles').then((m) => m.registerBundles) },
  ...FILE_MODULES,
  // (reads files only, but needs the spec's validation and the renderer: too much for the small files bundle)
  { commands: ['convert'], load: () => import('./commands/convert').then((m) => m.registerConvert) },
  { commands: ['explain'], load: () => import('./commands/explain').then((m) => m.registerExplain) },
  { commands: ['doctor'], load: () => import('./commands/doctor').then((m) => m.registerDoctor) },
  { commands: ['sandbox'], load: () => import('./commands/sandbox').then((m) => m.registerSandbox) },
  { commands: ['serve'], load: () => import('./commands/serve').then((m) => m.registerServe) },
  { commands: ['audit'], load: () => import('./commands/audit').then((m) => m.registerAudit) },
  { commands: ['helper'], load: () => import('./commands/helper').then((m) => m.registerHelper) },
  { commands: ['install'], load: () => import('./commands/install').then((m) => m.registerInstall) },
  { commands: ['user'], load: () => import('./commands/users').then((m) => m.registerUsers) },
  { commands: ['backup'], load: () => import('./commands/backups').then((m) => m.registerBackups) },
  { commands: ['edge'], load: () => import('./commands/edge').then((m) => m.registerEdge) },
  { commands: ['connections'], load: () => import('./commands/connections').then((m) => m.registerConnections) },
  { commands: ['proxy'], load: () => import('./commands/edge').then((m) => m.registerProxy) },
  { commands: ['catalog'], load: () => import('./commands/catalog').then((m) => m.registerCatalog) },
  { commands: ['template'], load: () => import('./commands/templates').then((m) => m.registerTemplates) },
  { commands: ['notify'], load: () => import('./commands/notify').then((m) => m.registerNotify) },
];

runCli(MODULES);
