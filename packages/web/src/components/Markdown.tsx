/**
 * A small Markdown reader for a catalog app's README: headings, paragraphs, lists, fenced code, and inline
 * `code`, **bold** and [links](https://…). Everything becomes React text nodes — no HTML of the README is ever
 * interpreted — and a link is kept only when it goes to http(s); any other target is shown as plain text.
 */
import type { ReactNode } from 'react';

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'code'; text: string };

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let para: string[] = [];
  const flush = () => {
    if (para.length > 0) blocks.push({ kind: 'paragraph', text: para.join(' ') });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!); i++) body.push(lines[i]!);
      blocks.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      blocks.push({ kind: 'heading', level: heading[1]!.length, text: heading[2]! });
      continue;
    }
    const item = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      const ordered = item[2] !== undefined;
      const last = blocks.at(-1);
      if (last?.kind === 'list' && last.ordered === ordered) last.items.push(item[3]!);
      else blocks.push({ kind: 'list', ordered, items: [item[3]!] });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    // a continuation line of a list item
    const last = blocks.at(-1);
    if (para.length === 0 && last?.kind === 'list' && /^\s{2,}\S/.test(line)) {
      last.items[last.items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    para.push(line.trim());
  }
  flush();
  return blocks;
}

const SAFE_URL = /^https?:\/\//i;

/** Inline `code`, **bold** and [text](url) as React nodes; everything else stays text. */
export function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let at = 0;
  let n = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > at) out.push(text.slice(at, m.index));
    const key = n++;
    if (m[1] !== undefined)
      out.push(
        <code key={key} className="rounded bg-zinc-100 px-0.5 font-mono dark:bg-zinc-800">
          {m[1]}
        </code>,
      );
    else if (m[2] !== undefined) out.push(<strong key={key}>{m[2]}</strong>);
    else if (SAFE_URL.test(m[4]!))
      out.push(
        <a
          key={key}
          href={m[4]}
          target="_blank"
          rel="noopener noreferrer"
          className="text-sky-800 underline dark:text-sky-300"
        >
          {m[3]}
        </a>,
      );
    else out.push(`${m[3]} (${m[4]})`);
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

const HEADING = ['text-xl', 'text-lg', 'text-base', 'text-sm', 'text-sm', 'text-sm'];

export function Markdown({ text }: { text: string }) {
  return (
    <div className="flex flex-col gap-2 text-sm" data-testid="markdown">
      {parseMarkdown(text).map((b, i) => {
        // biome-ignore-start lint/suspicious/noArrayIndexKey: the blocks of one fixed text, never reordered
        switch (b.kind) {
          case 'heading': {
            const H = `h${Math.min(b.level + 2, 6)}` as 'h3';
            return (
              <H key={i} className={`${HEADING[b.level - 1]} font-semibold`}>
                {inline(b.text)}
              </H>
            );
          }
          case 'code':
            return (
              <pre key={i} className="overflow-x-auto rounded-md bg-zinc-50 p-2 text-xs dark:bg-zinc-950">
                {b.text}
              </pre>
            );
          case 'list': {
            const L = b.ordered ? 'ol' : 'ul';
            return (
              <L key={i} className={`${b.ordered ? 'list-decimal' : 'list-disc'} pl-5`}>
                {b.items.map((item, j) => (
                  <li key={j}>{inline(item)}</li>
                ))}
              </L>
            );
          }
          default:
            return <p key={i}>{inline(b.text)}</p>;
        }
        // biome-ignore-end lint/suspicious/noArrayIndexKey: the blocks of one fixed text, never reordered
      })}
    </div>
  );
}
