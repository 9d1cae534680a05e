// biome-ignore-all lint/suspicious/noTemplateCurlyInString: templates are written with literal ${name} placeholders
/**
 * `quadletman template` as a user runs it (bin/quadletman in a child process, a fresh data folder): import, list,
 * show, export, save a compartment the store has, check a creation, refuse bad values, delete.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCompartmentId } from '../../core/ids.js';
import { parseSpecText } from '../../core/spec.js';
import { openStore } from '../../store/index.js';

const ROOT = resolve(__dirname, '../../../../..');
const BIN = join(ROOT, 'bin/quadletman');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-template-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], input = '') =>
  spawnSync(BIN, ['--data-dir', dir, 'template', ...args], { encoding: 'utf8', cwd: ROOT, input });

const NOTES = `template: 1
name: notes
description: A notes app
parameters:
  - { name: port, default: "8080", pattern: "[0-9]+", description: The page's port }
  - { name: admin_password, generate: password, secret: admin-password }
spec:
  units:
    app.container: { container: { image: localhost/notes:1, publishPort: "\${port}:80", secret: [admin-password] } }
  secrets: [admin-password]
`;

describe('quadletman template', () => {
  it('imports, lists, shows, exports, checks a creation and deletes', () => {
    const file = join(dir, 'notes.yaml');
    writeFileSync(file, NOTES);
    const imp = run(['import', file]);
    expect(imp.stderr).toBe('');
    expect(imp.stdout).toBe('Template notes kept (1 units, 2 parameters).\n');
    expect(run(['import', file]).status).not.toBe(0);
    expect(run(['list']).stdout).toMatch(
      /^NAME\s+VERSION\s+PARAMETERS.*\nnotes\s+-\s+port,admin_password\s+1\s+import\s+A notes app\n$/,
    );
    const show = run(['show', 'notes']).stdout;
    expect(show).toContain('  port = "8080" /[0-9]+/ — The page\'s port');
    expect(show).toContain('  admin_password (generated password) → secret admin-password');
    expect(run(['export', 'notes']).stdout).toContain('publishPort: ${port}:80');

    const check = run(['create', 'notes', 'n1', '--set', 'port=9090']);
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('template notes → n1 (new)');
    expect(check.stdout).toContain('  port (given): 9090');
    expect(check.stdout).toContain(
      'Nothing was changed. Run again with --apply to create the compartment and apply it.',
    );
    const json = JSON.parse(run(['create', 'notes', 'n1', '--format', 'json']).stdout);
    expect(json.spec.units['app.container'].container.publishPort).toEqual(['8080:80']);

    const bad = run(['create', 'notes', 'n1', '--set', 'port=x', '--set', 'colour=red']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('values.colour: notes has no parameter colour (it has: port, admin_password)');
    expect(bad.stderr).toContain('values.port: "x" does not match [0-9]+');
    expect(run(['create', 'notes', 'n1', '--set', 'port']).stderr).toContain('--set "port": expected NAME=VALUE');

    expect(run(['delete', 'notes']).stdout).toBe('Template notes deleted.\n');
    expect(run(['delete', 'notes']).stderr).toContain("There is no template 'notes'");
  }, 60_000); // a dozen CLI processes, each a fresh node: slow on a busy machine

  it('saves a compartment with parameters', () => {
    const store = openStore({ dataDir: dir });
    store.compartments.create({ id: parseCompartmentId('blog'), description: 'Blog', podmanVersion: null });
    store.compartments.saveState(
      parseSpecText(
        'compartment: blog\nunits:\n  web.container: { container: { image: localhost/web:1.2, publishPort: "8080:80" } }\n',
      ),
    );
    store.close();
    const saved = run(['save', 'blog', 'web', '--param', 'tag=1.2', '--param', 'port=8080']);
    expect(saved.stderr).toBe('');
    expect(saved.stdout).toBe('Saved blog as template web (1 units; parameters tag, port).\n');
    const yaml = run(['export', 'web']).stdout;
    expect(yaml).toContain('image: localhost/web:${tag}');
    expect(yaml).toContain('- ${port}:80');
    expect(run(['save', 'blog', 'w2', '--param', 'tag=9.9']).stderr).toContain(
      'parameters.tag: "9.9" occurs nowhere in the spec',
    );
  });
});
