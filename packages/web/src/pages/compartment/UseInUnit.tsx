/**
 * "Use in unit": how a container unit uses a volume, a secret or a config file (the unit line, always shown), and
 * adding that line to one of the compartment's container units. The line goes into the unit as a draft, like an
 * edit in the unit editor (other drafts stay as they are), and the user is taken to the plan to review and apply.
 */
import { useId, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { useHistory, useRevision, useSpec } from '../../api/queries';
import { Button, inputClass } from '../../components/ui';
import { t } from '../../i18n/t';
import { useDrafts } from './drafts';
import { unitSources } from './spec-units';
import { addLine, hasLine, lineText, type UnitLine } from './unit-lines';

/** The compartment's container units with their text as the editor has it (a draft, else the last applied). */
export function useContainerUnits(id: string): { path: string; text: string }[] {
  const spec = useSpec(id);
  const history = useHistory(id);
  const latest = history.data?.find((r) => r.result === 'applied')?.number;
  const revision = useRevision(id, latest);
  const { drafts } = useDrafts();
  return useMemo(() => {
    const known = spec.data ? unitSources(spec.data.spec, revision.data?.files) : [];
    const out: { path: string; text: string }[] = [];
    for (const f of known) {
      const text = drafts[f.path] === undefined ? f.text : drafts[f.path];
      if (f.path.endsWith('.container') && !f.locked && typeof text === 'string') out.push({ path: f.path, text });
    }
    // containers that exist only as drafts (new units)
    for (const [path, text] of Object.entries(drafts)) {
      if (path.endsWith('.container') && typeof text === 'string' && !known.some((f) => f.path === path))
        out.push({ path, text });
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }, [spec.data, revision.data, drafts]);
}

export interface UseMode {
  /** What the mode is called in the chooser (when there are several). */
  label: string;
  /** The target field (a path in the container, a variable name); none: the mode has no target. */
  targetLabel?: string;
  defaultTarget?: string;
  line: (target: string) => UnitLine;
  /** A sentence under the line (where a secret file appears). */
  note?: (target: string) => string;
}

/** The line a unit needs for one resource, and "Use in unit" for operators. */
export function UseInUnit({
  id,
  what,
  modes,
  canEdit,
}: {
  id: string;
  /** The resource, for labels ("data", "db-password"). */
  what: string;
  modes: readonly UseMode[];
  canEdit: boolean;
}) {
  const uid = useId();
  const [open, setOpen] = useState(false);
  const [modeIndex, setModeIndex] = useState(0);
  const mode = modes[modeIndex] ?? modes[0]!;
  const [targets, setTargets] = useState<Record<number, string>>({});
  const target = targets[modeIndex] ?? mode.defaultTarget ?? '';
  const line = mode.line(target);
  return (
    <div className="flex flex-col gap-1">
      <code className="break-all text-xs" data-testid="unit-line">
        {lineText(line)}
      </code>
      {mode.note && <span className="text-xs text-zinc-600 dark:text-zinc-400">{mode.note(target)}</span>}
      {canEdit && !open && (
        <div>
          <Button
            variant="ghost"
            className="min-h-0 px-2 py-0.5 text-xs"
            onClick={() => setOpen(true)}
            aria-label={t('use.open', { what })}
          >
            {t('use.button')}
          </Button>
        </div>
      )}
      {canEdit && open && (
        <UsePanel
          id={id}
          uid={uid}
          what={what}
          modes={modes}
          modeIndex={modeIndex}
          setModeIndex={setModeIndex}
          target={target}
          setTarget={(v) => setTargets({ ...targets, [modeIndex]: v })}
          line={line}
          onCancel={() => setOpen(false)}
        />
      )}
    </div>
  );
}

function UsePanel({
  id,
  uid,
  what,
  modes,
  modeIndex,
  setModeIndex,
  target,
  setTarget,
  line,
  onCancel,
}: {
  id: string;
  uid: string;
  what: string;
  modes: readonly UseMode[];
  modeIndex: number;
  setModeIndex: (i: number) => void;
  target: string;
  setTarget: (v: string) => void;
  line: UnitLine;
  onCancel: () => void;
}) {
  const units = useContainerUnits(id);
  const { setDraft } = useDrafts();
  const navigate = useNavigate();
  const [chosen, setChosen] = useState<string | undefined>();
  const unit = units.find((u) => u.path === chosen) ?? units[0];
  const mode = modes[modeIndex]!;
  const already = unit !== undefined && hasLine(unit.text, line);
  const badTarget = mode.targetLabel !== undefined && (target.trim() === '' || /[\s,:]/.test(target));
  const add = () => {
    if (!unit || already || badTarget) return;
    setDraft(unit.path, addLine(unit.text, line));
    navigate(`/c/${encodeURIComponent(id)}/plan`);
  };
  return (
    <div className="flex flex-col gap-2 rounded-md border border-zinc-200 p-2 dark:border-zinc-700">
      {modes.length > 1 && (
        <div className="flex flex-col gap-1">
          <label htmlFor={`${uid}-mode`} className="text-xs font-medium">
            {t('use.how')}
          </label>
          <select
            id={`${uid}-mode`}
            className={inputClass}
            value={modeIndex}
            onChange={(e) => setModeIndex(Number(e.target.value))}
          >
            {modes.map((m, i) => (
              <option key={m.label} value={i}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {mode.targetLabel && (
        <div className="flex flex-col gap-1">
          <label htmlFor={`${uid}-target`} className="text-xs font-medium">
            {mode.targetLabel}
          </label>
          <input
            id={`${uid}-target`}
            className={`${inputClass} font-mono`}
            value={target}
            aria-invalid={badTarget}
            onChange={(e) => setTarget(e.target.value)}
          />
        </div>
      )}
      {units.length === 0 ? (
        <p className="text-xs">{t('use.noContainers')}</p>
      ) : (
        <div className="flex flex-col gap-1">
          <label htmlFor={`${uid}-unit`} className="text-xs font-medium">
            {t('use.unit')}
          </label>
          <select
            id={`${uid}-unit`}
            className={`${inputClass} font-mono`}
            value={unit?.path}
            onChange={(e) => setChosen(e.target.value)}
          >
            {units.map((u) => (
              <option key={u.path} value={u.path}>
                {u.path}
              </option>
            ))}
          </select>
        </div>
      )}
      {already && <p className="text-xs">{t('use.already', { unit: unit.path })}</p>}
      <p className="text-xs text-zinc-600 dark:text-zinc-400">{t('use.hint')}</p>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="primary"
          disabled={!unit || already || badTarget}
          onClick={add}
          aria-label={t('use.add', { what, unit: unit?.path ?? '' })}
        >
          {t('use.addButton')}
        </Button>
        <Button onClick={onCancel}>{t('resources.cancel')}</Button>
      </div>
    </div>
  );
}
