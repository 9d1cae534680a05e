/**
 * The lossless shape of a systemd/Quadlet unit file. Every physical line of the source belongs to exactly one
 * node, so serializing an unedited file gives back the same bytes.
 */

/** A `Key=Value` assignment; continuation lines (ending in `\`) belong to the same entry. */
export interface EntryNode {
  kind: 'entry';
  /** Section this entry belongs to (`Container`, `Service`…); '' when it comes before any section header. */
  section: string;
  key: string;
  /**
   * The logical value as Podman's parser stores it: each physical line trimmed, continuations joined (the
   * trailing `\` removed, nothing inserted), comment lines inside a continuation skipped, whitespace after `=`
   * removed. Quotes, escapes and `%` specifiers are kept verbatim (they are interpreted later).
   */
  value: string;
  /** 1-based number of the first physical line. */
  line: number;
  /** The exact physical lines (without their line terminators). */
  raw: string[];
  /** Where the node comes from when it was merged in from another file (a drop-in path); absent for the file itself. */
  source?: string;
}

export interface SectionNode {
  kind: 'section';
  name: string;
  line: number;
  raw: string[];
  source?: string;
}

export interface TriviaNode {
  kind: 'comment' | 'blank';
  line: number;
  raw: string[];
  source?: string;
}

/** A line systemd cannot read (no `=`, bad header…); kept verbatim so nothing is lost. */
export interface InvalidNode {
  kind: 'invalid';
  line: number;
  raw: string[];
  reason: string;
  /**
   * True when Podman silently skips the text instead of rejecting the whole file (a continuation that never
   * ends, a lone `\` line). Absent or false: Podman refuses to load the file.
   */
  ignored?: boolean;
  source?: string;
}

export type UnitNode = EntryNode | SectionNode | TriviaNode | InvalidNode;

export interface UnitFile {
  nodes: UnitNode[];
  /** Line terminator used by the source, reused for new lines. */
  eol: '\n' | '\r\n';
  /** Whether the source ended with a line terminator. */
  finalNewline: boolean;
}
