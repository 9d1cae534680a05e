/**
 * Drafts: edits of a compartment's files (path → new text; null removes the file), kept for the browser tab
 * (sessionStorage) until applied or discarded, so a reload or a trip to the login page loses nothing. The UI says
 * so ("kept in this browser tab, not yet applied"), with a way to discard them.
 */
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../components/ui';
import { t } from '../../i18n/t';

export type Drafts = Readonly<Record<string, string | null>>;

interface DraftState {
  drafts: Drafts;
  setDraft: (path: string, text: string | null) => void;
  discard: (path?: string) => void;
}

const DraftContext = createContext<DraftState>({ drafts: {}, setDraft: () => {}, discard: () => {} });

const storageKey = (id: string) => `quadletman.drafts.${id}`;

function load(id: string): Drafts {
  try {
    const raw = sessionStorage.getItem(storageKey(id));
    return raw ? (JSON.parse(raw) as Drafts) : {};
  } catch {
    return {};
  }
}

export function DraftProvider({ compartment, children }: { compartment: string; children: ReactNode }) {
  const [drafts, setDrafts] = useState<Drafts>(() => load(compartment));
  const save = useCallback(
    (next: Drafts) => {
      setDrafts(next);
      try {
        if (Object.keys(next).length === 0) sessionStorage.removeItem(storageKey(compartment));
        else sessionStorage.setItem(storageKey(compartment), JSON.stringify(next));
      } catch {
        // Storage full or disabled: the drafts live in memory only.
      }
    },
    [compartment],
  );
  const value = useMemo<DraftState>(
    () => ({
      drafts,
      setDraft: (path, text) => save({ ...drafts, [path]: text }),
      discard: (path) => {
        if (path === undefined) return save({});
        const { [path]: _, ...rest } = drafts;
        save(rest);
      },
    }),
    [drafts, save],
  );
  return <DraftContext.Provider value={value}>{children}</DraftContext.Provider>;
}

export const useDrafts = () => useContext(DraftContext);

/** How many drafts there are, where they are kept, and "discard all" (after asking); the plan link where useful. */
export function DraftsNote({ compartment, planLink = false }: { compartment: string; planLink?: boolean }) {
  const { drafts, discard } = useDrafts();
  const n = Object.keys(drafts).length;
  if (n === 0) return null;
  return (
    <div
      className="flex flex-wrap items-center gap-2 rounded-md border border-amber-300 bg-amber-50 p-2 text-sm dark:border-amber-800 dark:bg-amber-950"
      role="status"
      data-testid="drafts-note"
    >
      <span>{n === 1 ? t('drafts.one') : t('drafts.many', { n })}</span>
      {planLink && (
        <Link
          to={`/c/${encodeURIComponent(compartment)}/plan`}
          className="font-medium text-sky-800 underline dark:text-sky-300"
        >
          {t('edit.reviewPlan')}
        </Link>
      )}
      <Button
        variant="ghost"
        onClick={() => {
          if (window.confirm(t('drafts.confirmDiscardAll'))) discard();
        }}
      >
        {t('drafts.discardAll')}
      </Button>
    </div>
  );
}
