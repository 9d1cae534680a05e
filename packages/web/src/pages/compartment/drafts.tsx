/**
 * Unsaved edits of a compartment's files (path → new text; null removes the file), kept for the browser tab
 * (sessionStorage) until applied or discarded, so a reload or a trip to the login page loses nothing.
 */
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

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
