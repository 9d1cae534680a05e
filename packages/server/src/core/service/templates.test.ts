// The template service over fakes: save a compartment, create another from it (values, generated secrets made
// once, nothing made when something is wrong), upgrade one made from it, and the store's record of its origin.
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.js';
import { parseSpecText } from '../spec.js';
import { parseTemplateText } from '../templates/template.js';
import { EVERY_TYPE_YAML, setupBundles } from './bundles.test-support.js';
import { type InstalledRecord, type TemplateRecord, TemplateService, type TemplateStorePort } from './templates.js';

class MemoryTemplates implements TemplateStorePort {
  rows = new Map<string, TemplateRecord>();
  apps = new Map<string, InstalledRecord>();
  list = () => [...this.rows.values()];
  get = (name: string) => this.rows.get(name);
  put(row: Omit<TemplateRecord, 'createdAt' | 'updatedAt'>, replace: boolean) {
    if (this.rows.has(row.name) && !replace) return false;
    this.rows.set(row.name, { ...row, createdAt: 'then', updatedAt: 'now' });
    return true;
  }
  delete = (name: string) => this.rows.delete(name);
  installed = (c: string) => this.apps.get(c);
  allInstalled = () => [...this.apps.values()];
  recordInstalled(a: Omit<InstalledRecord, 'installedAt' | 'updatedAt'>) {
    this.apps.set(a.compartment, { ...a, installedAt: 'then', updatedAt: 'now' });
  }
}

function setup() {
  const b = setupBundles();
  const store = new MemoryTemplates();
  const secrets = new Map<string, string>();
  const templates = new TemplateService({
    store,
    compartments: b.compartments,
    secrets: {
      createSecret: async (id, name, value) => {
        const key = `${id}/${name}`;
        if (secrets.has(key)) throw new ConflictError(`${id} has a secret ${name}`);
        secrets.set(key, value);
      },
    },
  });
  return { ...b, store, secrets, templates };
}
const actor = { actor: 'admin' };

const NOTES = `
template: 1
name: notes
version: "1.0"
parameters:
  - { name: port, default: "8080", pattern: "[0-9]+" }
  - { name: admin_password, generate: password, secret: admin-password }
spec:
  units:
    app.container:
      container: { image: localhost/notes:1, publishPort: "\${port}:80", secret: [admin-password] }
  secrets: [admin-password]
`;

describe('templates', () => {
  it('saves a compartment with every unit type and creates an equal one from it', async () => {
    const s = setup();
    const every = parseSpecText(EVERY_TYPE_YAML);
    await s.compartments.applyState(every, { ...actor, create: true });
    const info = s.templates.save('every', { name: 'every-kind', parameters: { port: '18480' } }, 'admin');
    expect(info).toMatchObject({
      name: 'every-kind',
      source: 'every',
      createdBy: 'admin',
      parameters: [{ name: 'port', default: '18480' }],
    });
    expect(info.units.length).toBe(Object.keys(every.units).length);
    const made = await s.templates.create('every-kind', 'every2', {}, { apply: actor });
    expect(made.apply?.outcome).toBe('applied');
    const copy = s.compartments.state('every2');
    expect(JSON.stringify(copy).replaceAll('every2', 'every')).toBe(JSON.stringify(every));
    expect(s.store.installed('every2')).toMatchObject({
      origin: 'template',
      name: 'every-kind',
      values: { port: '18480' },
    });
    // another port: only that changes
    const other = await s.templates.create('every-kind', 'every3', { port: '18490' }, { apply: actor });
    expect(JSON.stringify(other.state)).toContain('127.0.0.1:18490:8080');
    // the name is taken
    expect(() => s.templates.save('every', { name: 'every-kind' }, 'admin')).toThrow(/A template 'every-kind' exists/);
    expect(s.templates.save('every', { name: 'every-kind', replace: true }, 'bob').createdBy).toBe('bob');
  });

  it('makes generated secrets once, shows their values once, keeps them out of the record', async () => {
    const s = setup();
    s.templates.import(NOTES, 'notes.yaml', 'admin');
    const preview = await s.templates.create('notes', 'n1', {});
    expect(preview.apply).toBeUndefined();
    expect(s.compartments.list()).toEqual([]); // a preview makes nothing
    expect(preview.values.find((v) => v.name === 'admin_password')!.value).toBe('');
    const made = await s.templates.create('notes', 'n1', {}, { apply: actor });
    expect(made.created).toBe(true);
    expect(made.secrets).toEqual({ made: ['admin-password'], kept: [] });
    const pw = made.values.find((v) => v.name === 'admin_password')!.value;
    expect(pw).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(s.secrets.get('n1/admin-password')).toBe(pw);
    expect(s.store.installed('n1')).toMatchObject({ name: 'notes', version: '1.0', values: { port: '8080' } });
    expect(JSON.stringify(s.store.installed('n1'))).not.toContain(pw);
  });

  it('refuses bad values and a used compartment before making anything', async () => {
    const s = setup();
    s.templates.import(NOTES, 'notes.yaml', 'admin');
    await expect(s.templates.create('notes', 'n1', { port: 'x' }, { apply: actor })).rejects.toThrow(/values\.port/);
    await expect(s.templates.create('notes', 'n1', { colour: 'red' }, { apply: actor })).rejects.toThrow(
      /values\.colour/,
    );
    await expect(s.templates.create('nope', 'n1', {}, { apply: actor })).rejects.toThrow(/There is no template 'nope'/);
    expect(s.compartments.list()).toEqual([]);
    expect(s.secrets.size).toBe(0);
    await s.templates.create('notes', 'n1', {}, { apply: actor });
    await expect(s.templates.create('notes', 'n1', {}, { apply: actor })).rejects.toThrow(/exists and has units/);
  });

  it('deletes the compartment it made, and its secrets, when the apply is refused before anything ran', async () => {
    const s = setup();
    s.templates.import(NOTES, 'notes.yaml', 'admin');
    s.hostOf('n2').rejects = (file) => (file.endsWith('app.container') ? 'the generator says no' : undefined);
    const r = await s.templates.create('notes', 'n2', {}, { apply: actor });
    expect(r.apply?.outcome).toBe('refused');
    expect(r.apply?.message).toContain('the generator says no');
    expect(s.compartments.list()).toEqual([]);
    expect(r.secrets).toEqual({ made: [], kept: [] });
    expect(r.values.find((v) => v.name === 'admin_password')!.value).toBe('');
    expect(s.store.installed('n2')).toBeUndefined();
  });

  it('upgrades a compartment made from it to a new version, with the values used before and its secret kept', async () => {
    const s = setup();
    s.templates.import(NOTES, 'notes.yaml', 'admin');
    await s.templates.create('notes', 'n1', { port: '9000' }, { apply: actor });
    const pw = s.secrets.get('n1/admin-password');
    const v2 = parseTemplateText(
      NOTES.replace('version: "1.0"', 'version: "2.0"').replace('localhost/notes:1', 'localhost/notes:2'),
    );
    const up = await s.templates.createFrom(
      v2,
      { kind: 'template', name: 'notes', version: '2.0' },
      'n1',
      {},
      {
        apply: actor,
        upgrade: true,
      },
    );
    expect(up.created).toBe(false);
    expect(up.plan?.changes.map((c) => c.path)).toContain('.config/containers/systemd/app.container');
    expect(up.apply?.outcome).toBe('applied');
    expect(JSON.stringify(s.compartments.state('n1'))).toContain('localhost/notes:2');
    expect(JSON.stringify(s.compartments.state('n1'))).toContain('9000:80');
    expect(up.secrets).toEqual({ made: [], kept: ['admin-password'] });
    expect(up.values.find((v) => v.name === 'admin_password')!.value).toBe('');
    expect(s.secrets.get('n1/admin-password')).toBe(pw);
    expect(s.store.installed('n1')?.version).toBe('2.0');
    // not from another origin
    await expect(
      s.templates.createFrom(
        v2,
        { kind: 'catalog', name: 'notes', version: '2.0' },
        'n1',
        {},
        { apply: actor, upgrade: true },
      ),
    ).rejects.toThrow(/was made from template notes, not catalog notes/);
  });
});
