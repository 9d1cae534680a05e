/**
 * Help texts mark code (a command, a header, a variable) with backticks: `withCode` turns those spans into
 * <code> elements. It builds React nodes only — the text is never parsed as HTML — and a lone backtick stays
 * as written.
 */
import type { ReactNode } from 'react';

export function withCode(text: string): ReactNode {
  const parts = text.split(/`([^`]+)`/);
  if (parts.length === 1) return text;
  return parts.map((part, i) =>
    i % 2 === 1 ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one static text
      <code key={i} className="rounded bg-zinc-100 px-0.5 font-mono dark:bg-zinc-800">
        {part}
      </code>
    ) : (
      part
    ),
  );
}
