/**
 * The guided forms of a timer and a socket (see systemd-units.ts): a few plain questions instead of keys.
 * Each keeps what is typed, says under a field what is wrong with it, and writes the unit's whole text only
 * while nothing is wrong (until then the text keeps the last good settings). A text changed elsewhere (the
 * raw editor, "discard changes") is read back into the form.
 */
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Button, inputClass } from '../components/ui';
import { withCode } from '../i18n/code';
import { t } from '../i18n/t';
import {
  CALENDAR_PRESETS,
  type CalendarChoice,
  checkSocket,
  checkTimer,
  type Fit,
  type Issue,
  type Issues,
  type Listen,
  type NoteCode,
  type SocketForm,
  socketChoices,
  socketFormOf,
  socketNotes,
  socketText,
  type TimerForm,
  timerChoices,
  timerFormOf,
  timerNotes,
  timerText,
  type UnitChoice,
  unitBase,
} from './systemd-units';

export interface GuidedFormProps {
  path: string;
  text: string;
  onChange: (text: string) => void;
  /** The compartment's units (with the drafts), for what a timer starts and a socket activates. */
  units: readonly { path: string; text: string }[];
}

/** The form's model, read from the text once and again whenever the text changes other than through it. */
function useModel<T>(
  text: string,
  read: (text: string) => Fit<T>,
  check: (form: T) => Issues,
  write: (form: T) => string,
  onChange: (text: string) => void,
) {
  const [form, setForm] = useState<T>(() => {
    const fit = read(text);
    if (!fit.ok) throw new Error('a guided form for a text that does not fit it');
    return fit.form;
  });
  const written = useRef(text);
  useEffect(() => {
    if (text === written.current) return;
    written.current = text;
    const fit = read(text);
    if (fit.ok) setForm(fit.form);
  }, [text, read]);
  const issues = check(form);
  const update = (next: T) => {
    setForm(next);
    if (Object.keys(check(next)).length > 0) return;
    const out = write(next);
    written.current = out;
    if (out !== text) onChange(out);
  };
  return { form, issues, update };
}

const message = (issue: Issue) => t(`unitForm.error.${issue.code}`, issue.params);

function Problem({ id, issue }: { id: string; issue: Issue | undefined }) {
  return issue ? (
    <p id={id} className="text-xs text-red-700 dark:text-red-400" data-testid="form-issue">
      {withCode(message(issue))}
    </p>
  ) : null;
}

function Hint({ id, text }: { id: string; text: string }) {
  return (
    <p id={id} className="text-xs text-zinc-600 dark:text-zinc-400">
      {withCode(text)}
    </p>
  );
}

const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(' ') || undefined;

/** A labelled one-line input with its hint and its problem. */
function TextInput({
  id,
  label,
  hint,
  issue,
  value,
  onChange,
  mono = true,
}: {
  id: string;
  label: string;
  hint?: string;
  issue: Issue | undefined;
  value: string;
  onChange: (v: string) => void;
  mono?: boolean;
}) {
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        className={`${inputClass} ${mono ? 'font-mono' : ''}`}
        value={value}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={issue ? true : undefined}
        aria-describedby={describedBy(hint && `${id}-hint`, issue && `${id}-error`)}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint && <Hint id={`${id}-hint`} text={hint} />}
      <Problem id={`${id}-error`} issue={issue} />
    </div>
  );
}

/** A select of units (a timer's or a socket's target), each with the Quadlet file it comes from. */
function UnitSelect({
  id,
  label,
  hint,
  issue,
  value,
  choices,
  onChange,
  disabled,
}: {
  id: string;
  label: string;
  hint: string;
  issue: Issue | undefined;
  value: string;
  choices: UnitChoice[];
  onChange: (v: string) => void;
  disabled?: boolean;
}) {
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <select
        id={id}
        className={`${inputClass} font-mono`}
        value={value}
        disabled={disabled}
        aria-invalid={issue ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, issue && `${id}-error`)}
        onChange={(e) => onChange(e.target.value)}
      >
        {choices.map((c) => (
          <option key={c.unit} value={c.unit}>
            {c.from ? t('unitForm.fromFile', { unit: c.unit, file: c.from }) : c.unit}
          </option>
        ))}
      </select>
      <Hint id={`${id}-hint`} text={hint} />
      <Problem id={`${id}-error`} issue={issue} />
    </div>
  );
}

function Check({
  id,
  label,
  hint,
  checked,
  onChange,
}: {
  id: string;
  label: string;
  hint: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label className="flex items-center gap-2 text-sm font-medium">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          aria-describedby={`${id}-hint`}
          onChange={(e) => onChange(e.target.checked)}
        />
        {label}
      </label>
      <Hint id={`${id}-hint`} text={hint} />
    </div>
  );
}

function Notes({ notes, params }: { notes: NoteCode[]; params: Record<string, string> }) {
  if (notes.length === 0) return null;
  return (
    <ul className="flex flex-col gap-1 text-sm text-amber-800 dark:text-amber-300" data-testid="form-notes">
      {notes.map((n) => (
        <li key={n}>{withCode(t(`unitForm.note.${n}`, params))}</li>
      ))}
    </ul>
  );
}

function Frame({ issues, children }: { issues: Issues; children: ReactNode }) {
  const n = Object.keys(issues).length;
  return (
    <div className="flex flex-col gap-4" data-testid="guided-form">
      {children}
      <p role="status" className="text-sm">
        {n > 0 && <span className="text-red-700 dark:text-red-400">{t('unitForm.notWritten', { n })}</span>}
      </p>
    </div>
  );
}

function Group({ legend, children, issue, id }: { legend: string; children: ReactNode; issue?: Issue; id: string }) {
  return (
    <fieldset
      className="flex min-w-0 flex-col gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
      aria-describedby={issue ? `${id}-error` : undefined}
    >
      <legend className="px-1 text-sm font-semibold">{legend}</legend>
      {children}
      <Problem id={`${id}-error`} issue={issue} />
    </fieldset>
  );
}

// ------------------------------------------------------------------------------------------------ timer

export function TimerFormView({ path, text, onChange, units }: GuidedFormProps) {
  const id = useId();
  const read = useRef((s: string) => timerFormOf(path, s)).current;
  const { form, issues, update } = useModel(text, read, checkTimer, timerText, onChange);
  const set = (patch: Partial<TimerForm>) => update({ ...form, ...patch });
  const base = unitBase(path);
  const choices = timerChoices(units, [`${base}.service`, form.unit]);
  return (
    <Frame issues={issues}>
      <div className="grid gap-4 md:grid-cols-2">
        <TextInput
          id={`${id}-description`}
          label={t('unitForm.description')}
          issue={issues.description}
          value={form.description}
          mono={false}
          onChange={(description) => set({ description })}
        />
        <UnitSelect
          id={`${id}-unit`}
          label={t('unitForm.timer.unit')}
          hint={t('unitForm.timer.unitHint', { unit: `${base}.service` })}
          issue={issues.unit}
          value={form.unit}
          choices={choices}
          onChange={(unit) => set({ unit })}
        />
      </div>
      <Group legend={t('unitForm.timer.when')} issue={issues.when} id={`${id}-when`}>
        <div className="grid gap-4 md:grid-cols-2">
          <div className="flex min-w-0 flex-col gap-1">
            <label htmlFor={`${id}-calendar`} className="text-sm font-medium">
              {t('unitForm.timer.calendar')}
            </label>
            <select
              id={`${id}-calendar`}
              className={inputClass}
              value={form.calendar}
              onChange={(e) => set({ calendar: e.target.value as CalendarChoice })}
            >
              <option value="">{t('unitForm.timer.calendarNone')}</option>
              {CALENDAR_PRESETS.map((p) => (
                <option key={p} value={p}>
                  {t(`unitForm.timer.preset.${p}`)}
                </option>
              ))}
              <option value="custom">{t('unitForm.timer.calendarCustom')}</option>
            </select>
          </div>
          {form.calendar === 'custom' && (
            <TextInput
              id={`${id}-expression`}
              label={t('unitForm.timer.expression')}
              hint={t('unitForm.timer.expressionHint')}
              issue={issues.expression}
              value={form.expression}
              onChange={(expression) => set({ expression })}
            />
          )}
          <TextInput
            id={`${id}-boot`}
            label={t('unitForm.timer.afterBoot')}
            hint={t('unitForm.timer.afterBootHint')}
            issue={issues.afterBoot}
            value={form.afterBoot}
            onChange={(afterBoot) => set({ afterBoot })}
          />
          <TextInput
            id={`${id}-every`}
            label={t('unitForm.timer.every')}
            hint={t('unitForm.timer.everyHint')}
            issue={issues.every}
            value={form.every}
            onChange={(every) => set({ every })}
          />
        </div>
      </Group>
      <div className="grid gap-4 md:grid-cols-2">
        <Check
          id={`${id}-persistent`}
          label={t('unitForm.timer.persistent')}
          hint={t('unitForm.timer.persistentHint')}
          checked={form.persistent}
          onChange={(persistent) => set({ persistent })}
        />
        <TextInput
          id={`${id}-delay`}
          label={t('unitForm.timer.randomDelay')}
          hint={t('unitForm.timer.randomDelayHint')}
          issue={issues.randomDelay}
          value={form.randomDelay}
          onChange={(randomDelay) => set({ randomDelay })}
        />
      </div>
      <Notes notes={timerNotes(form)} params={{ unit: form.unit }} />
    </Frame>
  );
}

// ------------------------------------------------------------------------------------------------ socket

function ListenRow({
  id,
  n,
  listen,
  base,
  issue,
  onChange,
  onRemove,
}: {
  id: string;
  n: number;
  listen: Listen;
  base: string;
  issue: Issue | undefined;
  onChange: (l: Listen) => void;
  onRemove: () => void;
}) {
  const field = `${id}-listen-${n}`;
  return (
    <fieldset
      className="flex min-w-0 flex-col gap-2 rounded-md border border-zinc-200 p-2 dark:border-zinc-800"
      data-testid="listen-row"
    >
      <legend className="px-1 text-sm font-medium">{t('unitForm.socket.address', { n: n + 1 })}</legend>
      <div className="grid items-end gap-2 sm:grid-cols-[minmax(0,10rem)_minmax(0,1fr)_auto]">
        <div className="flex min-w-0 flex-col gap-1">
          <label htmlFor={`${field}-kind`} className="text-sm">
            {t('unitForm.socket.kind')}
          </label>
          <select
            id={`${field}-kind`}
            className={inputClass}
            value={listen.kind}
            onChange={(e) =>
              onChange(
                e.target.value === 'tcp'
                  ? { kind: 'tcp', port: '', all: false }
                  : { kind: 'unix', path: `%t/${base}.sock` },
              )
            }
          >
            <option value="tcp">{t('unitForm.socket.tcp')}</option>
            <option value="unix">{t('unitForm.socket.unix')}</option>
          </select>
        </div>
        {listen.kind === 'tcp' ? (
          <div className="grid min-w-0 grid-cols-[minmax(0,1fr)_6rem] items-start gap-2">
            <div className="flex min-w-0 flex-col gap-1">
              <label htmlFor={`${field}-host`} className="text-sm">
                {t('unitForm.socket.host')}
              </label>
              <select
                id={`${field}-host`}
                className={inputClass}
                value={listen.all ? 'all' : 'loopback'}
                onChange={(e) => onChange({ ...listen, all: e.target.value === 'all' })}
              >
                <option value="loopback">{t('unitForm.socket.loopback')}</option>
                <option value="all">{t('unitForm.socket.all')}</option>
              </select>
            </div>
            <div className="flex min-w-0 flex-col gap-1">
              <label htmlFor={`${field}-port`} className="text-sm">
                {t('unitForm.socket.port')}
              </label>
              <input
                id={`${field}-port`}
                className={`${inputClass} font-mono`}
                value={listen.port}
                inputMode="numeric"
                autoComplete="off"
                aria-invalid={issue ? true : undefined}
                aria-describedby={issue ? `${field}-error` : undefined}
                onChange={(e) => onChange({ ...listen, port: e.target.value })}
              />
            </div>
          </div>
        ) : (
          <div className="flex min-w-0 flex-col gap-1">
            <label htmlFor={`${field}-path`} className="text-sm">
              {t('unitForm.socket.path')}
            </label>
            <input
              id={`${field}-path`}
              className={`${inputClass} font-mono`}
              value={listen.path}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={issue ? true : undefined}
              aria-describedby={describedBy(`${field}-path-hint`, issue && `${field}-error`)}
              onChange={(e) => onChange({ ...listen, path: e.target.value })}
            />
          </div>
        )}
        <Button
          className="justify-self-start"
          onClick={onRemove}
          aria-label={t('unitForm.socket.removeAddress', { n: n + 1 })}
        >
          {t('editor.remove')}
        </Button>
      </div>
      {listen.kind === 'unix' && <Hint id={`${field}-path-hint`} text={t('unitForm.socket.pathHint')} />}
      <Problem id={`${field}-error`} issue={issue} />
    </fieldset>
  );
}

export function SocketFormView({ path, text, onChange, units }: GuidedFormProps) {
  const id = useId();
  const read = useRef((s: string) => socketFormOf(path, s)).current;
  const { form, issues, update } = useModel(text, read, checkSocket, socketText, onChange);
  const set = (patch: Partial<SocketForm>) => update({ ...form, ...patch });
  const base = unitBase(path);
  const choices = socketChoices(units, [`${base}.service`, form.service]);
  const setListen = (i: number, l: Listen | undefined) =>
    set({ listen: l ? form.listen.map((x, j) => (j === i ? l : x)) : form.listen.filter((_, j) => j !== i) });
  return (
    <Frame issues={issues}>
      <TextInput
        id={`${id}-description`}
        label={t('unitForm.description')}
        issue={issues.description}
        value={form.description}
        mono={false}
        onChange={(description) => set({ description })}
      />
      <Group legend={t('unitForm.socket.listen')} issue={issues.listen} id={`${id}-listen`}>
        {form.listen.map((l, i) => (
          <ListenRow
            // biome-ignore lint/suspicious/noArrayIndexKey: the rows are edited in place, never reordered
            key={i}
            id={id}
            n={i}
            listen={l}
            base={base}
            issue={issues[`listen.${i}`]}
            onChange={(next) => setListen(i, next)}
            onRemove={() => setListen(i, undefined)}
          />
        ))}
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => set({ listen: [...form.listen, { kind: 'tcp', port: '', all: false }] })}>
            {t('unitForm.socket.addTcp')}
          </Button>
          <Button onClick={() => set({ listen: [...form.listen, { kind: 'unix', path: `%t/${base}.sock` }] })}>
            {t('unitForm.socket.addUnix')}
          </Button>
        </div>
      </Group>
      <div className="grid gap-4 md:grid-cols-2">
        <UnitSelect
          id={`${id}-service`}
          label={t('unitForm.socket.service')}
          hint={
            form.accept
              ? t('unitForm.socket.serviceAccept', { unit: `${base}@.service` })
              : t('unitForm.socket.serviceHint')
          }
          issue={form.accept ? undefined : issues.service}
          value={form.service}
          choices={choices}
          disabled={form.accept}
          onChange={(service) => set({ service })}
        />
        <Check
          id={`${id}-accept`}
          label={t('unitForm.socket.accept')}
          hint={t('unitForm.socket.acceptHint')}
          checked={form.accept}
          onChange={(accept) => set({ accept })}
        />
      </div>
      <Notes notes={socketNotes(form)} params={{ unit: `${base}@.service` }} />
    </Frame>
  );
}

/** The guided form of a timer or socket file. */
export function GuidedForm(props: GuidedFormProps & { kind: 'timer' | 'socket' }) {
  const { kind, ...rest } = props;
  return kind === 'timer' ? <TimerFormView {...rest} /> : <SocketFormView {...rest} />;
}
