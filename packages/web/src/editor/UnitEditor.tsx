/**
 * The unit editor: a form generated from the key registry and a raw editor (CodeMirror) over the same text,
 * with the linter's diagnostics in both, and always the unit text itself (and the podman command line when the
 * server can tell it) beside the form. Switching views loses nothing: both edit one text (see unit-doc.ts).
 */
import { type UnitType, unitTypeOfFile } from '@quadletman/quadlet';
import { useId, useMemo, useState } from 'react';
import type { Explain } from '../api/types';
import { useTheme } from '../app/theme';
import { Badge } from '../components/ui';
import { t } from '../i18n/t';
import { FormEditor } from './FormEditor';
import { GuidedForm } from './GuidedForms';
import { type LintContext, lintUnit } from './lint';
import { RawEditor } from './RawEditor';
import { guidedKindOf, socketFormOf, timerFormOf } from './systemd-units';
import { docFromText, type UnitDoc } from './unit-doc';

export type EditorView = 'form' | 'raw';

/** The podman command lines behind a unit, as far as the server's Quadlet generator has told them. */
export type ExplainState = { state: 'pending' } | { state: 'unavailable' } | { state: 'done'; result: Explain };

export interface UnitEditorProps {
  /** The file name (`web.container`): its extension picks the form. */
  path: string;
  text: string;
  onChange: (text: string) => void;
  lintContext?: LintContext;
  /** What the server's Quadlet generator makes of the unit; absent: no panel (not a Quadlet unit). */
  explain?: ExplainState;
  initialView?: EditorView;
  /** The compartment's units (the drafts in): what a timer's or a socket's guided form offers to start. */
  units?: readonly { path: string; text: string }[];
}

export function UnitEditor({
  path,
  text,
  onChange,
  lintContext,
  explain,
  initialView = 'form',
  units = [],
}: UnitEditorProps) {
  const [view, setView] = useState<EditorView>(initialView);
  const { dark } = useTheme();
  const id = useId();
  const doc = useMemo(() => docFromText(text), [text]);
  const lint = useMemo(() => lintUnit(path, text, doc.file, lintContext), [path, text, doc.file, lintContext]);
  const type: UnitType | undefined = unitTypeOfFile(path);
  const errors = lint.all.filter((d) => d.severity === 'error').length;
  const warnings = lint.all.length - errors;
  const onDoc = (d: UnitDoc) => onChange(d.text);
  // a timer or a socket has a guided form, when its text says nothing the form cannot
  const guided = guidedKindOf(path);
  const fit = useMemo(
    () => (guided === 'timer' ? timerFormOf(path, text) : guided === 'socket' ? socketFormOf(path, text) : undefined),
    [guided, path, text],
  );
  const formAvailable = type !== undefined || fit?.ok === true;
  const shown: EditorView = formAvailable ? view : 'raw';
  // (a guided form has no field per key: it lists every diagnostic of the file)
  const listed = shown === 'form' && type === undefined ? lint.all : lint.general;

  const tab = (v: EditorView, label: string) => (
    <button
      type="button"
      role="tab"
      id={`${id}-tab-${v}`}
      aria-selected={shown === v}
      aria-controls={`${id}-panel`}
      disabled={v === 'form' && !formAvailable}
      onClick={() => setView(v)}
      onKeyDown={(e) => {
        if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
          const next = v === 'form' ? 'raw' : 'form';
          if (next === 'form' && !formAvailable) return;
          setView(next);
          document.getElementById(`${id}-tab-${next}`)?.focus();
        }
      }}
      tabIndex={shown === v ? 0 : -1}
      className={`rounded-t-md px-3 py-1.5 text-sm font-medium ${shown === v ? 'border border-b-0 border-zinc-300 bg-white dark:border-zinc-700 dark:bg-zinc-900' : 'text-zinc-600 dark:text-zinc-400'}`}
    >
      {label}
    </button>
  );

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <div className="min-w-0">
        <div className="flex flex-wrap items-end justify-between gap-2">
          <div role="tablist" aria-label={t('editor.views')} className="flex gap-1">
            {tab('form', t('editor.form'))}
            {tab('raw', t('editor.raw'))}
          </div>
          <p className="flex gap-2 pb-1 text-sm" aria-live="polite" data-testid="lint-summary">
            {errors > 0 && <Badge tone="bad">{t('editor.errors', { n: errors })}</Badge>}
            {warnings > 0 && <Badge tone="busy">{t('editor.warnings', { n: warnings })}</Badge>}
            {errors + warnings === 0 && <Badge tone="ok">{t('editor.clean')}</Badge>}
          </p>
        </div>
        <div
          role="tabpanel"
          id={`${id}-panel`}
          aria-labelledby={`${id}-tab-${shown}`}
          className="rounded-b-md rounded-tr-md border border-zinc-300 p-3 dark:border-zinc-700"
        >
          {!formAvailable &&
            (fit && !fit.ok ? (
              <p className="mb-2 text-sm" data-testid="form-unfit">
                {t('unitForm.textOnly', { reason: t(`unitForm.unfit.${fit.why.code}`, fit.why.params) })}
              </p>
            ) : (
              <p className="mb-2 text-sm">{t('editor.noForm')}</p>
            ))}
          {listed.length > 0 && (
            <ul className="mb-3 text-sm" aria-label={t('editor.fileProblems')}>
              {listed.map((d) => (
                <li
                  key={`${d.line}:${d.code}:${d.message}`}
                  className={d.severity === 'error' ? 'text-red-700 dark:text-red-400' : ''}
                >
                  {d.line > 0 ? t('editor.atLine', { line: d.line, message: d.message }) : d.message}
                </li>
              ))}
            </ul>
          )}
          {shown === 'form' && type ? (
            <FormEditor type={type} doc={doc} onChange={onDoc} lint={lint} />
          ) : shown === 'form' && guided ? (
            <GuidedForm key={path} kind={guided} path={path} text={text} onChange={onChange} units={units} />
          ) : (
            <RawEditor
              value={text}
              onChange={onChange}
              diagnostics={lint.all}
              label={t('editor.rawLabel', { path })}
              dark={dark}
            />
          )}
        </div>
      </div>
      <aside className="flex min-w-0 flex-col gap-3" aria-label={t('editor.behind')}>
        <div>
          <h3 className="text-sm font-semibold">{t('editor.unitText', { path })}</h3>
          <pre
            className="mt-1 max-h-[32rem] overflow-auto rounded-md bg-zinc-50 p-2 text-xs dark:bg-zinc-950"
            data-testid="unit-text"
          >
            {text}
          </pre>
        </div>
        {explain !== undefined && (
          <div data-testid="explain">
            <h3 className="text-sm font-semibold">{t('editor.command')}</h3>
            <ExplainPanel explain={explain} />
          </div>
        )}
      </aside>
    </div>
  );
}

function ExplainPanel({ explain }: { explain: ExplainState }) {
  const note = (text: string) => <p className="text-xs text-zinc-600 dark:text-zinc-400">{text}</p>;
  if (explain.state === 'pending') return note(t('editor.commandPending'));
  if (explain.state === 'unavailable') return note(t('editor.commandUnavailable'));
  const r = explain.result;
  if (!r.ok || r.commands.length === 0) return note(t('editor.commandRejected', { reason: r.reason ?? '' }));
  return (
    <pre className="mt-1 overflow-auto whitespace-pre-wrap break-all rounded-md bg-zinc-50 p-2 text-xs dark:bg-zinc-950">
      {r.commands.map((c) => `${c.key}=${c.value}`).join('\n')}
    </pre>
  );
}
