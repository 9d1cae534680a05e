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
   * The logical value as systemd reads it: continuations joined, leading whitespace after `=` and trailing
   * whitespace removed. Quotes, escapes and `%` specifiers are kept verbatim (they are interpreted later).
   */
  value: string;
  /** 1-based number of the first physical line. */
  line: number;
  /** The exact physical lines (without their line terminators). */
  raw: string[];
}

export interface SectionNode {
  kind: 'section';
  name: string;
  line: number;
  raw: string[];
}

export interface TriviaNode {
  kind: 'comment' | 'blank';
  line: number;
  raw: string[];
}

/** A line systemd cannot read (no `=`, bad header…); kept verbatim so nothing is lost. */
export interface InvalidNode {
  kind: 'invalid';
  line: number;
  raw: string[];
  reason: string;
}

export type UnitNode = EntryNode | SectionNode | TriviaNode | InvalidNode;

export interface UnitFile {
  nodes: UnitNode[];
  /** Line terminator used by the source, reused for new lines. */
  eol: '\n' | '\r\n';
  /** Whether the source ended with a line terminator. */
  finalNewline: boolean;
}
