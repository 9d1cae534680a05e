/**
 * The form of a unit, generated from the key registry: per section its common keys and the keys the file sets,
 * and "add setting" for every other key. Each field edits the document with one minimal edit.
 */
import { listSections, type UnitType } from '@quadletman/quadlet';
import { useId, useMemo, useState } from 'react';
import { Button, inputClass, plainText } from '../components/ui';
import { t } from '../i18n/t';
import { FieldControl } from './FieldControl';
import { type FieldSpec, formSections, type SectionSpec } from './fields';
import { fieldId, type UnitLint } from './lint';
import type { UnitDoc } from './unit-doc';

export interface FormEditorProps {
  type: UnitType;
  doc: UnitDoc;
  onChange: (doc: UnitDoc) => void;
  lint: UnitLint;
}

function AddSetting({ section, onAdd }: { section: SectionSpec; onAdd: (spec: FieldSpec) => void }) {
  const id = useId();
  const [choice, setChoice] = useState('');
  const chosen = section.addable.find((s) => s.key === choice);
  if (section.addable.length === 0) return null;
  return (
    <div className="mt-3 flex flex-wrap items-end gap-2">
      <div className="flex min-w-48 flex-1 flex-col gap-1">
        <label htmlFor={id} className="text-sm">
          {t('editor.addSetting', { section: section.name })}
        </label>
        <select id={id} className={inputClass} value={choice} onChange={(e) => setChoice(e.target.value)}>
          <option value="">{t('editor.chooseKey')}</option>
          {section.addable.map((s) => (
            <option key={s.key} value={s.key}>
              {s.key}
              {s.summary ? ` — ${plainText(s.summary)}` : ''}
            </option>
          ))}
        </select>
      </div>
      <Button
        disabled={!chosen}
        onClick={() => {
          if (chosen) onAdd(chosen);
          setChoice('');
        }}
      >
        {t('editor.add')}
      </Button>
    </div>
  );
}

export function FormEditor({ type, doc, onChange, lint }: FormEditorProps) {
  const [added, setAdded] = useState<FieldSpec[]>([]);
  const sections = useMemo(() => {
    return formSections(type, doc.file).map((s) => {
      const extra = added.filter((a) => a.section === s.name && !s.shown.some((x) => x.key === a.key));
      return {
        ...s,
        shown: [...s.shown, ...extra],
        addable: s.addable.filter((a) => !extra.some((x) => x.key === a.key)),
      };
    });
  }, [type, doc.file, added]);
  const present = new Set(listSections(doc.file));

  return (
    <div className="flex flex-col gap-4" data-testid="form-editor">
      {sections.map((s, i) => (
        <details
          key={s.name}
          open={i === 0 || present.has(s.name)}
          className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
        >
          <summary className="cursor-pointer font-mono font-semibold">[{s.name}]</summary>
          <div className="mt-3 grid gap-4 md:grid-cols-2">
            {s.shown.map((spec) => (
              <FieldControl
                key={spec.key}
                spec={spec}
                doc={doc}
                onChange={onChange}
                diagnostics={lint.byField.get(fieldId(s.name, spec.key)) ?? []}
              />
            ))}
          </div>
          <AddSetting
            section={s}
            onAdd={(spec) => {
              setAdded((a) => [...a, spec]);
              // Focus the new field once it is rendered.
              requestAnimationFrame(() => {
                // Section and key names are letters, digits and dashes: no escaping needed in the selector.
                const field = `[data-field="${spec.section}/${spec.key}"]`;
                const el = document.querySelector<HTMLElement>(
                  `${field} input, ${field} select, ${field} button[role=switch]`,
                );
                el?.focus();
              });
            }}
          />
        </details>
      ))}
    </div>
  );
}
