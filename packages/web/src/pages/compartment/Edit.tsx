/**
 * The unit files of a compartment with the unit editor: pick a file (or start a new unit), edit it in the form
 * or raw, then review the plan. Edits are drafts until applied.
 */
import { MAIN_SECTION, UNIT_TYPES, type UnitType } from '@quadletman/quadlet';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState } from 'react';
import { api, data } from '../../api/client';
import { keys, useCompartment, useHistory, useRevision, useSpec } from '../../api/queries';
import type { Explain } from '../../api/types';
import { Button, ErrorBox, inputClass, isUnavailable, NotAvailable, Spinner } from '../../components/ui';
import { activatedUnit, SYSTEMD_KINDS, type SystemdKind, systemdStarterText } from '../../editor/systemd-units';
import { type ExplainState, UnitEditor } from '../../editor/UnitEditor';
import { t } from '../../i18n/t';
import { DraftsNote, useDrafts } from './drafts';
import { isQuadletFile, quadletFilesByName, type UnitSource, unitSources } from './spec-units';

/** The kinds of file "New unit" makes: the Quadlet unit types, and the systemd units kept beside them. */
export type NewUnitType = UnitType | SystemdKind;

const isSystemdKind = (type: NewUnitType): type is SystemdKind => (SYSTEMD_KINDS as readonly string[]).includes(type);

/**
 * A new unit's first text: for a Quadlet unit its main section with the keys the registry requires; for a
 * timer or a socket what its guided form starts with; for a service or a target a small working unit.
 */
export function newUnitText(type: NewUnitType, name: string): string {
  if (isSystemdKind(type)) return systemdStarterText(type, name);
  const main = MAIN_SECTION[type];
  const required: Partial<Record<UnitType, string>> = {
    container: 'Image=',
    image: 'Image=',
    kube: 'Yaml=',
    build: 'ImageTag=',
    artifact: 'Artifact=',
  };
  const body = required[type] ? `${required[type]}\n` : '';
  const install =
    type === 'container' || type === 'pod' || type === 'kube' ? '\n[Install]\nWantedBy=default.target\n' : '';
  return `[Unit]\nDescription=${name}\n\n[${main}]\n${body}${install}`;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]*$/;

function NewUnit({
  compartment,
  onCreate,
  taken,
}: {
  compartment: string;
  onCreate: (path: string, text: string) => void;
  taken: Set<string>;
}) {
  const id = useId();
  const [name, setName] = useState('');
  const [type, setType] = useState<NewUnitType>('container');
  const path = `${name}.${type}`;
  const error =
    name === ''
      ? undefined
      : !NAME.test(name)
        ? t('edit.badName')
        : taken.has(path)
          ? t('edit.taken')
          : path === `${compartment}.target`
            ? t('edit.reservedTarget')
            : undefined;
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (name && !error) {
          onCreate(path, newUnitText(type, name));
          setName('');
        }
      }}
    >
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-name`} className="text-sm">
          {t('edit.newName')}
        </label>
        <input
          id={`${id}-name`}
          className={`${inputClass} font-mono`}
          value={name}
          aria-invalid={error !== undefined}
          aria-describedby={`${id}-err`}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={`${id}-type`} className="text-sm">
          {t('edit.newType')}
        </label>
        <select
          id={`${id}-type`}
          className={inputClass}
          value={type}
          onChange={(e) => setType(e.target.value as NewUnitType)}
        >
          <optgroup label={t('edit.quadletTypes')}>
            {UNIT_TYPES.map((u) => (
              <option key={u} value={u}>
                .{u}
              </option>
            ))}
          </optgroup>
          <optgroup label={t('edit.systemdTypes')}>
            {SYSTEMD_KINDS.map((u) => (
              <option key={u} value={u}>
                .{u}
              </option>
            ))}
          </optgroup>
        </select>
      </div>
      <Button type="submit" variant="primary" disabled={!name || error !== undefined}>
        {t('edit.create')}
      </Button>
      <p id={`${id}-err`} className="w-full text-xs text-red-700 dark:text-red-400">
        {error}
      </p>
    </form>
  );
}

/** Under a timer or a socket in the list of files: the unit it starts. */
function Activates({ path, text }: { path: string; text: string | null | undefined }) {
  const kind = path.endsWith('.timer') ? 'timer' : path.endsWith('.socket') ? 'socket' : undefined;
  const unit = kind && typeof text === 'string' ? activatedUnit(path, text) : undefined;
  if (!kind || !unit) return null;
  return (
    <span className="block font-sans text-xs text-zinc-600 dark:text-zinc-400" data-testid="file-activates">
      {t(kind === 'timer' ? 'edit.timerStarts' : 'edit.socketActivates', { unit })}
    </span>
  );
}

/** `value`, once it has stopped changing for `ms` (each explain is a generator run on the server). */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The unit's podman command lines from the server's Quadlet generator, run over the whole set as it would be
 * applied (the last applied files, with the drafts in), so references to other units resolve.
 */
function useExplain(id: string, unit: string, files: Record<string, string> | undefined): ExplainState | undefined {
  const wanted = isQuadletFile(unit);
  const settled = useSettled(files, 400);
  const q = useQuery({
    queryKey: [...keys.part(id, 'explain'), unit, settled],
    queryFn: () =>
      data(
        api.POST('/api/compartments/{id}/explain', { params: { path: { id } }, body: { unit, files: settled ?? {} } }),
      ) as Promise<Explain>,
    enabled: wanted && settled !== undefined && unit in settled,
    staleTime: Infinity,
    retry: false,
  });
  if (!wanted) return undefined;
  if (q.isError) return { state: 'unavailable' };
  return q.data ? { state: 'done', result: q.data } : { state: 'pending' };
}

function FileEditor({
  id,
  file,
  siblings,
  rendered,
  podmanVersion,
}: {
  id: string;
  file: UnitSource;
  siblings: UnitSource[];
  /** The Podman version the server lints this compartment against (pinned, else the host's); null: the newest. */
  podmanVersion: string | null | undefined;
  /** The last applied revision's Quadlet files by name (the default network among them); undefined while
   * they load (explain waits: without them, references to the default network would not resolve). */
  rendered: Readonly<Record<string, string>> | undefined;
}) {
  const { drafts, setDraft, discard } = useDrafts();
  const draft = drafts[file.path];
  const original = file.text ?? '';
  const text = draft ?? original;
  const files = useMemo(() => {
    if (rendered === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [name, body] of Object.entries(rendered)) if (drafts[name] !== null) out[name] = body;
    for (const s of siblings) {
      const body = drafts[s.path] ?? s.text;
      if (isQuadletFile(s.path) && typeof body === 'string') out[s.path] = body;
    }
    if (isQuadletFile(file.path)) out[file.path] = text;
    return out;
  }, [rendered, siblings, drafts, file.path, text]);
  const explain = useExplain(id, file.path, files);
  const lintContext = useMemo(
    () => ({
      siblings: siblings.map((s) => ({ path: s.path, text: drafts[s.path] ?? s.text ?? '' })),
      ...(podmanVersion && /^\d+\.\d+$/.test(podmanVersion)
        ? { podmanVersion: podmanVersion as `${number}.${number}` }
        : {}),
    }),
    [siblings, drafts, podmanVersion],
  );
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="font-mono text-lg font-semibold">{file.path}</h2>
        {draft !== undefined && draft !== original && (
          <>
            <span className="text-sm text-amber-800 dark:text-amber-300">{t('edit.draft')}</span>
            <Button onClick={() => discard(file.path)}>{t('edit.discard')}</Button>
          </>
        )}
        <Button
          variant="danger"
          className="ml-auto"
          onClick={() => {
            if (window.confirm(t('edit.confirmRemove', { path: file.path }))) setDraft(file.path, null);
          }}
        >
          {t('edit.removeFile')}
        </Button>
      </div>
      {file.locked ? (
        <>
          <p className="text-sm">{t('edit.locked')}</p>
          <pre className="overflow-auto rounded-md bg-zinc-50 p-2 text-xs dark:bg-zinc-950">{original}</pre>
        </>
      ) : (
        <>
          {file.typed && (
            <p className="text-sm text-zinc-700 dark:text-zinc-300">
              {file.text === null ? t('edit.typedNotRendered') : t('edit.typed')}
            </p>
          )}
          <UnitEditor
            path={file.path}
            text={text}
            onChange={(next) => (next === original ? discard(file.path) : setDraft(file.path, next))}
            lintContext={lintContext}
            explain={explain}
            units={lintContext.siblings}
          />
          {podmanVersion !== undefined && (
            <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="lint-version">
              {lintContext.podmanVersion
                ? t('edit.lintVersion', { version: lintContext.podmanVersion })
                : t('edit.lintNewest')}
            </p>
          )}
        </>
      )}
    </div>
  );
}

export function EditTab({ id }: { id: string }) {
  const spec = useSpec(id);
  const compartment = useCompartment(id);
  const history = useHistory(id);
  const latest = history.data?.find((r) => r.result === 'applied')?.number;
  const revision = useRevision(id, latest);
  const { drafts, setDraft } = useDrafts();
  const [selected, setSelected] = useState<string | undefined>();
  const all = useMemo(() => {
    const known = spec.data ? unitSources(spec.data.spec, revision.data?.files) : [];
    const added: UnitSource[] = Object.entries(drafts)
      .filter(([p, c]) => c !== null && !known.some((f) => f.path === p))
      .map(([path]) => ({ path, text: null, typed: false, locked: false }));
    return [...known, ...added].filter((f) => drafts[f.path] !== null);
  }, [spec.data, revision.data, drafts]);
  const current = all.find((f) => f.path === selected) ?? all[0];
  // known once the history has loaded and, when there is an applied revision, its files
  const renderedKnown = history.isFetched && (latest === undefined || revision.isFetched);
  const rendered = useMemo(
    () => (renderedKnown ? quadletFilesByName(revision.data?.files ?? {}) : undefined),
    [renderedKnown, revision.data],
  );
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-start gap-4">
        <nav aria-label={t('edit.files')} className="flex min-w-48 flex-col gap-1">
          <h2 className="text-sm font-semibold">{t('edit.files')}</h2>
          {spec.isPending && <Spinner />}
          {spec.isError &&
            (isUnavailable(spec.error) ? <NotAvailable what={t('edit.files')} /> : <ErrorBox error={spec.error} />)}
          <ul className="flex flex-col gap-0.5">
            {all.map((f) => (
              <li key={f.path}>
                <button
                  type="button"
                  aria-current={current?.path === f.path ? 'true' : undefined}
                  onClick={() => setSelected(f.path)}
                  className={`w-full rounded px-2 py-1 text-left font-mono text-sm ${current?.path === f.path ? 'bg-sky-100 dark:bg-sky-950' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`}
                >
                  {f.path}
                  {drafts[f.path] !== undefined && <span aria-hidden="true"> •</span>}
                  {drafts[f.path] !== undefined && <span className="sr-only"> ({t('edit.draftMark')})</span>}
                  <Activates path={f.path} text={drafts[f.path] ?? f.text} />
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <div className="flex-1">
          <NewUnit
            compartment={id}
            taken={new Set(all.map((f) => f.path))}
            onCreate={(path, text) => {
              setDraft(path, text);
              setSelected(path);
            }}
          />
        </div>
      </div>
      <DraftsNote compartment={id} planLink />
      {current ? (
        <FileEditor
          key={current.path}
          id={id}
          file={current}
          siblings={all}
          rendered={rendered}
          podmanVersion={compartment.data ? (compartment.data.lintPodmanVersion ?? null) : undefined}
        />
      ) : (
        <p>{t('edit.noFiles')}</p>
      )}
    </div>
  );
}
