/**
 * The unit editor as a user drives it: open a fixture in the raw editor, switch to the form, edit one field,
 * switch back — the text changed in exactly that line, comments and order kept; type in the raw editor and
 * the form shows it; the linter's messages appear under the fields as you type.
 */

import { diagnosticCount, forEachDiagnostic } from '@codemirror/lint';
import { EditorView } from '@codemirror/view';
import { type EntryNode, formatEntry, getEntries, unitTypeOfFile } from '@quadletman/quadlet';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from '../test-support/fixtures';
import { formSections } from './fields';
import { UnitEditor } from './UnitEditor';
import { docFromText } from './unit-doc';

function Harness({ path, initial, log }: { path: string; initial: string; log: string[] }) {
  const [text, setText] = useState(initial);
  return (
    <UnitEditor
      path={path}
      text={text}
      initialView="raw"
      onChange={(t) => {
        log.push(t);
        setText(t);
      }}
    />
  );
}

const rawView = (): EditorView => {
  const dom = screen.getByTestId('raw-editor').querySelector('.cm-editor');
  const view = dom ? EditorView.findFromDOM(dom as HTMLElement) : null;
  if (!view) throw new Error('no CodeMirror view');
  return view;
};

const lines = (s: string) => s.split(/\r?\n/);

/** The first entry of a fixture that the form shows as a single text input (not a switch, select or list). */
function editableEntry(path: string, text: string): EntryNode | undefined {
  const type = unitTypeOfFile(path)!;
  const doc = docFromText(text);
  const specs = formSections(type, doc.file).flatMap((s) => s.shown);
  return getEntries(doc.file).find((e) => {
    const spec = specs.find((s) => s.section === e.section && s.key === e.key);
    const count = getEntries(doc.file).filter((x) => x.section === e.section && x.key === e.key).length;
    return spec && !spec.repeat && count === 1 && spec.kind !== 'bool' && spec.kind !== 'enum';
  });
}

function fieldInput(section: string, key: string): HTMLInputElement {
  const field = document.querySelector(`[data-field="${section}/${key}"]`) as HTMLElement | null;
  if (!field) throw new Error(`no field ${section}/${key}`);
  return within(field).getByRole('textbox') as HTMLInputElement;
}

const cases = FIXTURES.filter((f) => editableEntry(f.path, f.text) !== undefined);

describe('form ↔ raw round trip', () => {
  it('covers most fixtures', () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  it.each(cases.map((f) => [f.name, f] as const))('%s: raw → form → edit one field → raw', (_name, f) => {
    const log: string[] = [];
    render(<Harness path={f.path} initial={f.text} log={log} />);
    expect(rawView().state.sliceDoc()).toBe(f.text);

    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const entry = editableEntry(f.path, f.text)!;
    const input = fieldInput(entry.section, entry.key);
    expect(input.value).toBe(entry.value);
    fireEvent.change(input, { target: { value: 'changed-by-form' } });

    fireEvent.click(screen.getByRole('tab', { name: 'Unit file' }));
    const after = rawView().state.sliceDoc();
    const expected = [
      ...lines(f.text).slice(0, entry.line - 1),
      formatEntry(entry.key, 'changed-by-form'),
      ...lines(f.text).slice(entry.line - 1 + entry.raw.length),
    ];
    expect(lines(after)).toEqual(expected);
    expect(screen.getByTestId('unit-text').textContent).toBe(after);
    // Nothing was written while only switching views.
    expect(log).toEqual([after]);
  });
});

describe('raw edits reach the form', () => {
  it('a line typed in the raw editor shows in its field, comments kept', () => {
    const text = '# my web server\n[Container]\n# the image\nImage=docker.io/library/nginx\n';
    const log: string[] = [];
    render(<Harness path="web.container" initial={text} log={log} />);
    const view = rawView();
    const at = text.indexOf('nginx');
    act(() => view.dispatch({ changes: { from: at, to: at + 5, insert: 'httpd' } }));
    expect(log.at(-1)).toBe('# my web server\n[Container]\n# the image\nImage=docker.io/library/httpd\n');
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    expect(fieldInput('Container', 'Image').value).toBe('docker.io/library/httpd');
  });

  it('typing in a CRLF file keeps CRLF line ends', () => {
    const text = '[Container]\r\nImage=a\r\n# note\r\n';
    const log: string[] = [];
    render(<Harness path="web.container" initial={text} log={log} />);
    const view = rawView();
    act(() => view.dispatch({ changes: { from: view.state.doc.line(2).to, insert: 'b' } }));
    expect(log.at(-1)).toBe('[Container]\r\nImage=ab\r\n# note\r\n');
  });

  it("shows the linter's diagnostics inline in the raw editor", () => {
    render(<Harness path="web.container" initial={'[Container]\nImage=a\nMemory=12xyz\n'} log={[]} />);
    const view = rawView();
    expect(diagnosticCount(view.state)).toBeGreaterThanOrEqual(1);
    let found: string | undefined;
    forEachDiagnostic(view.state, (d, from) => {
      if (view.state.doc.lineAt(from).number === 3) found = d.message;
    });
    expect(found).toMatch(/Memory=12xyz is not a size/);
  });

  it('a key unknown to the registry stays and is editable', () => {
    const text = '[Container]\nImage=a\nFancyNewKey=1\n';
    render(<Harness path="web.container" initial={text} log={[]} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const field = document.querySelector('[data-field="Container/FancyNewKey"]') as HTMLElement;
    expect(field).not.toBeNull();
    expect(within(field).getByText(/does not know the key 'FancyNewKey'/)).toBeTruthy();
  });
});

describe('help texts', () => {
  it("show the registry's `code` spans as code, not as backticks, in the field and in the key picker", () => {
    render(<Harness path="web.container" initial={'[Container]\nImage=a\nAutoUpdate=registry\n'} log={[]} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const field = document.querySelector('[data-field="Container/AutoUpdate"]') as HTMLElement;
    const code = within(field).getByText('podman auto-update');
    expect(code.tagName).toBe('CODE');
    expect(field.textContent).not.toContain('`');
    const options = [...document.querySelectorAll('option')].map((o) => o.textContent ?? '');
    expect(options.some((o) => o.includes('AppArmor — AppArmor profile to confine the container; unconfined'))).toBe(
      true,
    );
    expect(options.filter((o) => o.includes('`'))).toEqual([]);
  });
});

describe('field validation as you type', () => {
  it('shows the linter message under the field and marks it invalid', () => {
    const log: string[] = [];
    render(<Harness path="web.container" initial={'[Container]\nImage=a\nMemory=1g\n'} log={log} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const input = fieldInput('Container', 'Memory');
    expect(input.getAttribute('aria-invalid')).toBe('false');
    fireEvent.change(input, { target: { value: '12xyz' } });
    expect(log.at(-1)).toBe('[Container]\nImage=a\nMemory=12xyz\n');
    const field = document.querySelector('[data-field="Container/Memory"]') as HTMLElement;
    expect(within(field).getByText(/Memory=12xyz is not a size/)).toBeTruthy();
    expect(fieldInput('Container', 'Memory').getAttribute('aria-invalid')).toBe('true');
    // The message is tied to the input for screen readers.
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ');
    expect(described.some((id) => document.getElementById(id)?.textContent?.includes('not a size'))).toBe(true);
    fireEvent.change(input, { target: { value: '512m' } });
    expect(within(field).queryByText(/not a size/)).toBeNull();
  });

  it('lists a bad port in a repeated key', () => {
    render(<Harness path="web.container" initial={'[Container]\nImage=a\nPublishPort=abc\n'} log={[]} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const field = document.querySelector('[data-field="Container/PublishPort"]') as HTMLElement;
    expect(within(field).getByText(/not a container port/)).toBeTruthy();
  });

  it('marks the bad item of a repeated key invalid, and only that one', () => {
    const text = '[Container]\nImage=a\nPublishPort=8080:80\nPublishPort=abc\n';
    render(<Harness path="web.container" initial={text} log={[]} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const field = document.querySelector('[data-field="Container/PublishPort"]') as HTMLElement;
    const [good, bad] = within(field)
      .getAllByRole('textbox')
      .filter((i) => i.id !== '');
    expect(good?.getAttribute('aria-invalid')).toBe('false');
    expect(bad?.getAttribute('aria-invalid')).toBe('true');
    const message = within(field)
      .getByText(/not a container port/)
      .closest('ul') as HTMLElement;
    expect((bad?.getAttribute('aria-describedby') ?? '').split(' ')).toContain(message.id);
  });

  it('keeps a value the file cannot hold in the input, with the reason, and leaves the text alone', () => {
    const log: string[] = [];
    render(<Harness path="web.container" initial={'[Container]\nImage=a\n'} log={log} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const input = fieldInput('Container', 'Image');
    fireEvent.change(input, { target: { value: 'a\u0000b' } });
    expect(log).toEqual([]);
    expect(input.value).toBe('a\u0000b');
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });

  it('shows the help text and the Podman version of a key', () => {
    render(<Harness path="web.container" initial={'[Container]\nImage=a\n'} log={[]} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const field = document.querySelector('[data-field="Container/Image"]') as HTMLElement;
    expect(within(field).getByText(/Since Podman \d+\.\d+/)).toBeTruthy();
  });
});

describe('form controls by kind', () => {
  it('a bool is a switch that writes true/false in place', () => {
    const log: string[] = [];
    render(<Harness path="web.container" initial={'[Container]\nImage=a\nReadOnly=yes\n# end\n'} log={log} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const field = document.querySelector('[data-field="Container/ReadOnly"]') as HTMLElement;
    const sw = within(field).getByRole('switch');
    expect(sw.getAttribute('aria-checked')).toBe('true');
    fireEvent.click(sw);
    expect(log.at(-1)).toBe('[Container]\nImage=a\nReadOnly=false\n# end\n');
  });

  it('"add setting" reaches every other key of the section', () => {
    const log: string[] = [];
    render(
      <Harness
        path="web.container"
        initial={'[Container]\nImage=a\n\n[Install]\nWantedBy=default.target\n'}
        log={log}
      />,
    );
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const select = screen.getByLabelText('Add a setting to [Container]') as HTMLSelectElement;
    const offered = [...select.options].map((o) => o.value).filter(Boolean);
    expect(offered).toContain('ShmSize');
    fireEvent.change(select, { target: { value: 'ShmSize' } });
    fireEvent.click(within(select.closest('div')!.parentElement!).getByRole('button', { name: 'Add' }));
    fireEvent.change(fieldInput('Container', 'ShmSize'), { target: { value: '64m' } });
    expect(log.at(-1)).toBe('[Container]\nImage=a\nShmSize=64m\n\n[Install]\nWantedBy=default.target\n');
  });

  it('a list item edit changes that line only, and removing one keeps the rest', () => {
    const text = '[Container]\nImage=a\nPublishPort=1:1\n# between\nPublishPort=2:2\n';
    const log: string[] = [];
    render(<Harness path="web.container" initial={text} log={log} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const field = document.querySelector('[data-field="Container/PublishPort"]') as HTMLElement;
    const items = within(field).getAllByRole('textbox');
    fireEvent.change(items[1]!, { target: { value: '3:3' } });
    expect(log.at(-1)).toBe('[Container]\nImage=a\nPublishPort=1:1\n# between\nPublishPort=3:3\n');
    fireEvent.click(within(field).getByRole('button', { name: 'Remove value 1 of PublishPort' }));
    expect(log.at(-1)).toBe('[Container]\nImage=a\n# between\nPublishPort=3:3\n');
  });
});

describe('a list value typed but not added', () => {
  const text = '[Container]\nImage=a\n';
  const newItem = () => screen.getByLabelText('New value for PublishPort') as HTMLInputElement;

  it('is added when the focus leaves the field, not lost', () => {
    const log: string[] = [];
    render(<Harness path="web.container" initial={text} log={log} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const input = newItem();
    act(() => input.focus());
    fireEvent.change(input, { target: { value: '8080:80' } });
    // the user moves on (another field, the plan tab, …) without pressing Add
    act(() => fieldInput('Container', 'Image').focus());
    expect(log.at(-1)).toBe('[Container]\nImage=a\nPublishPort=8080:80\n');
    expect(newItem().value).toBe('');
    const field = document.querySelector('[data-field="Container/PublishPort"]') as HTMLElement;
    expect(
      within(field)
        .getAllByRole('textbox')
        .map((i) => (i as HTMLInputElement).value),
    ).toContain('8080:80');
  });

  it('is not added twice when the focus goes to its Add button, which adds it', () => {
    const log: string[] = [];
    render(<Harness path="web.container" initial={text} log={log} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    const input = newItem();
    act(() => input.focus());
    fireEvent.change(input, { target: { value: '8080:80' } });
    const add = screen.getByRole('button', { name: 'Add a value to PublishPort' });
    act(() => add.focus());
    expect(log).toEqual([]);
    fireEvent.click(add);
    expect(log).toEqual(['[Container]\nImage=a\nPublishPort=8080:80\n']);
    // the focus is back in the (empty) new-value field, ready for the next value
    expect(document.activeElement).toBe(newItem());
  });
});

describe('reference fields', () => {
  it('show a placeholder of the kind of unit they name', () => {
    render(<Harness path="web.container" initial={'[Container]\nImage=\n'} log={[]} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    expect(fieldInput('Container', 'Image').placeholder).toBe('name.image');
    expect(fieldInput('Container', 'Pod').placeholder).toBe('name.pod');
    expect((screen.getByLabelText('New value for Network') as HTMLInputElement).placeholder).toBe('name.network');
  });

  it("a volume's image too", () => {
    render(<Harness path="data.volume" initial={'[Volume]\nDriver=image\n'} log={[]} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Form' }));
    expect(fieldInput('Volume', 'Image').placeholder).toBe('name.image');
  });
});
