/**
 * One form field for one key: a switch for booleans, a select for enums, a list for repeated keys, a text
 * input otherwise. Every change is one minimal edit of the document (see unit-doc.ts); a value the encoder
 * refuses stays in the input with its reason, and the text is left as it was. A list's new value is added by Add,
 * Enter, or the focus leaving it: a value typed and not added would otherwise be lost without a word. The linter's diagnostics for the
 * key are shown under the field as you type.
 */
import type { Diagnostic } from '@quadletman/quadlet';
import { useEffect, useId, useRef, useState } from 'react';
import { Button, inputClass, RichText } from '../components/ui';
import { t } from '../i18n/t';
import { type FieldSpec, parseBool, placeholderFor } from './fields';
import {
  addItem,
  type EditResult,
  entriesOf,
  removeAll,
  removeItem,
  setItem,
  setSingle,
  singleValue,
  type UnitDoc,
} from './unit-doc';

export interface FieldProps {
  spec: FieldSpec;
  doc: UnitDoc;
  onChange: (doc: UnitDoc) => void;
  diagnostics: readonly Diagnostic[];
}

function Help({ spec, id }: { spec: FieldSpec; id: string }) {
  return (
    <p id={id} className="text-xs text-zinc-600 dark:text-zinc-400">
      {spec.summary ? <RichText text={spec.summary} /> : spec.known ? '' : t('editor.unknownKey')}
      {spec.since && <span className="ml-1 whitespace-nowrap">{t('editor.since', { version: spec.since })}</span>}
      {spec.required && <span className="ml-1 font-medium">{t('editor.required')}</span>}
      {spec.deprecated && (
        <span className="ml-1 block text-amber-800 dark:text-amber-300">
          {t('editor.deprecated', { why: spec.deprecated })}
        </span>
      )}
    </p>
  );
}

function Messages({ id, error, diagnostics }: { id: string; error?: string; diagnostics: readonly Diagnostic[] }) {
  if (!error && diagnostics.length === 0) return <div id={id} />;
  return (
    <ul id={id} className="text-xs" aria-live="polite">
      {error && <li className="text-red-700 dark:text-red-400">{error}</li>}
      {diagnostics.map((d) => (
        <li
          key={`${d.line}:${d.code}:${d.message}`}
          className={d.severity === 'error' ? 'text-red-700 dark:text-red-400' : 'text-amber-800 dark:text-amber-300'}
        >
          {t(d.severity === 'error' ? 'editor.error' : d.severity === 'warning' ? 'editor.warning' : 'editor.info', {
            message: d.message,
          })}
        </li>
      ))}
    </ul>
  );
}

/** A text input that keeps what is typed even when the document refuses it. */
function useDraft(value: string | undefined) {
  const [draft, setDraft] = useState(value ?? '');
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    // The text changed elsewhere (raw editor, another field): show it, unless the input holds a refused value.
    if (!error) setDraft(value ?? '');
  }, [value, error]);
  return { draft, setDraft, error, setError };
}

function apply(result: EditResult, onChange: (d: UnitDoc) => void, setError: (e: string | undefined) => void) {
  if (result.ok) {
    setError(undefined);
    onChange(result.doc);
  } else setError(result.error);
}

function SingleField({ spec, doc, onChange, diagnostics }: FieldProps) {
  const id = useId();
  const value = singleValue(doc.file, spec.section, spec.key);
  const { draft, setDraft, error, setError } = useDraft(value);
  const present = value !== undefined;
  const invalid = error !== undefined || diagnostics.some((d) => d.severity === 'error');
  const describedBy = `${id}-help ${id}-msg`;
  const write = (v: string) => apply(setSingle(doc, spec.section, spec.key, v), onChange, setError);

  let control: React.ReactNode;
  if (spec.kind === 'bool' && (value === undefined || parseBool(value) !== undefined)) {
    const on = value !== undefined && parseBool(value) === true;
    control = (
      <button
        id={id}
        type="button"
        role="switch"
        aria-checked={on}
        aria-describedby={describedBy}
        onClick={() => write(on ? 'false' : 'true')}
        className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition ${on ? 'bg-sky-700' : 'bg-zinc-400 dark:bg-zinc-600'}`}
      >
        <span className="sr-only">{spec.key}</span>
        <span
          aria-hidden="true"
          className={`inline-block h-5 w-5 rounded-full bg-white shadow transition ${on ? 'translate-x-5' : 'translate-x-0.5'}`}
        />
      </button>
    );
  } else if (spec.kind === 'enum' && spec.values && spec.values.length > 0) {
    const options = value !== undefined && !spec.values.includes(value) ? [value, ...spec.values] : spec.values;
    control = (
      <select
        id={id}
        className={inputClass}
        value={value ?? ''}
        aria-describedby={describedBy}
        aria-invalid={invalid}
        onChange={(e) =>
          e.target.value === ''
            ? apply(removeAll(doc, spec.section, spec.key), onChange, setError)
            : write(e.target.value)
        }
      >
        <option value="">{t('editor.notSet')}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        id={id}
        className={`${inputClass} font-mono`}
        value={draft}
        placeholder={placeholderFor(spec)}
        aria-describedby={describedBy}
        aria-invalid={invalid}
        spellCheck={false}
        autoCapitalize="off"
        onChange={(e) => {
          setDraft(e.target.value);
          write(e.target.value);
        }}
      />
    );
  }

  return (
    <div className="flex flex-col gap-1" data-field={`${spec.section}/${spec.key}`}>
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={id} className="font-mono text-sm font-medium">
          {spec.key}
        </label>
        {present && (
          <Button
            variant="ghost"
            className="min-h-0 px-2 py-0.5 text-xs"
            aria-label={t('editor.removeKey', { key: spec.key })}
            onClick={() => apply(removeAll(doc, spec.section, spec.key), onChange, setError)}
          >
            {t('editor.remove')}
          </Button>
        )}
      </div>
      {control}
      <Help spec={spec} id={`${id}-help`} />
      <Messages id={`${id}-msg`} error={error} diagnostics={diagnostics} />
    </div>
  );
}

function ListItem({
  spec,
  doc,
  onChange,
  index,
  value,
  labelId,
  invalid,
  messagesId,
}: {
  spec: FieldSpec;
  doc: UnitDoc;
  onChange: (d: UnitDoc) => void;
  index: number;
  value: string;
  labelId: string;
  /** The linter reports an error on this item's line (its message is under the field, `messagesId`). */
  invalid: boolean;
  messagesId: string;
}) {
  const { draft, setDraft, error, setError } = useDraft(value);
  const id = useId();
  return (
    <li className="flex flex-col gap-0.5">
      <div className="flex gap-1">
        <input
          id={id}
          className={`${inputClass} font-mono`}
          value={draft}
          aria-labelledby={`${labelId} ${id}-n`}
          aria-invalid={error !== undefined || invalid}
          aria-describedby={`${id}-err ${messagesId}`}
          placeholder={value === '' ? t('editor.resetItem') : undefined}
          spellCheck={false}
          autoCapitalize="off"
          onChange={(e) => {
            setDraft(e.target.value);
            apply(setItem(doc, spec.section, spec.key, index, e.target.value), onChange, setError);
          }}
        />
        <span id={`${id}-n`} className="sr-only">
          {t('editor.item', { n: index + 1 })}
        </span>
        <Button
          variant="ghost"
          aria-label={t('editor.removeItem', { key: spec.key, n: index + 1 })}
          onClick={() => apply(removeItem(doc, spec.section, spec.key, index), onChange, setError)}
        >
          ×
        </Button>
      </div>
      {error && (
        <p id={`${id}-err`} className="text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </li>
  );
}

function ListField({ spec, doc, onChange, diagnostics }: FieldProps) {
  const id = useId();
  const items = entriesOf(doc.file, spec.section, spec.key);
  const [fresh, setFresh] = useState('');
  const [error, setError] = useState<string | undefined>();
  const freshInput = useRef<HTMLInputElement>(null);
  /** Adds the typed value; a value the file cannot hold stays in the input with its reason. */
  const add = (refocus: boolean) => {
    if (fresh === '') return;
    const r = addItem(doc, spec.section, spec.key, fresh);
    apply(r, onChange, setError);
    if (r.ok) {
      setFresh('');
      // (after Add the button is disabled: give the focus back to the input for the next value)
      if (refocus) freshInput.current?.focus();
    }
  };
  const addButton = useRef<HTMLButtonElement>(null);
  // A value typed and left without Add or Enter is added too (as users expect; nothing typed is dropped): when
  // the focus leaves both the input and its Add button (for another field, a tab, the plan link).
  const leave = (e: React.FocusEvent) => {
    if (e.relatedTarget !== freshInput.current && e.relatedTarget !== addButton.current) add(false);
  };
  return (
    <fieldset className="flex flex-col gap-1" data-field={`${spec.section}/${spec.key}`}>
      <legend id={`${id}-label`} className="font-mono text-sm font-medium">
        {spec.key}
      </legend>
      <ul className="flex flex-col gap-1">
        {items.map((e, i) => (
          <ListItem
            // Items are identified by position in the file: an edit keeps the position.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            key={i}
            spec={spec}
            doc={doc}
            onChange={onChange}
            index={i}
            value={e.value}
            labelId={`${id}-label`}
            invalid={diagnostics.some(
              (d) => d.severity === 'error' && d.line >= e.line && d.line < e.line + Math.max(1, e.raw.length),
            )}
            messagesId={`${id}-msg`}
          />
        ))}
      </ul>
      <div className="flex gap-1">
        <input
          ref={freshInput}
          onBlur={leave}
          className={`${inputClass} font-mono`}
          value={fresh}
          aria-label={t('editor.newItem', { key: spec.key })}
          placeholder={placeholderFor(spec)}
          aria-describedby={`${id}-help ${id}-msg`}
          spellCheck={false}
          autoCapitalize="off"
          onChange={(e) => {
            setFresh(e.target.value);
            setError(undefined);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add(false);
            }
          }}
        />
        <Button
          ref={addButton}
          onBlur={leave}
          onClick={() => add(true)}
          disabled={fresh === ''}
          aria-label={t('editor.addItem', { key: spec.key })}
        >
          {t('editor.add')}
        </Button>
      </div>
      <Help spec={spec} id={`${id}-help`} />
      <Messages id={`${id}-msg`} error={error} diagnostics={diagnostics} />
    </fieldset>
  );
}

export function FieldControl(props: FieldProps) {
  const count = entriesOf(props.doc.file, props.spec.section, props.spec.key).length;
  // A single-valued key written more than once is shown as a list too, so that no line is hidden.
  return props.spec.repeat || count > 1 ? <ListField {...props} /> : <SingleField {...props} />;
}
