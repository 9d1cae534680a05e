/**
 * The raw unit-file editor: CodeMirror 6 with the `properties` legacy mode, the linter's diagnostics inline
 * (underlined lines, gutter markers, messages on hover and in the lint panel: Ctrl-Shift-M). Controlled: the
 * text comes from the props, edits go out through `onChange`. Tab is not captured, so keyboard users can leave.
 */
import { StreamLanguage } from '@codemirror/language';
import { properties } from '@codemirror/legacy-modes/mode/properties';
import { type Diagnostic as CmDiagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { Annotation, Compartment, EditorState, type Text } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import type { Diagnostic } from '@quadletman/quadlet';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

/** Marks the transactions that bring in text from the props (not typed here). */
const external = Annotation.define<boolean>();

const darkTheme = EditorView.theme(
  {
    '&': { backgroundColor: '#09090b', color: '#e4e4e7' },
    '.cm-gutters': { backgroundColor: '#18181b', color: '#a1a1aa', border: 'none' },
    '.cm-activeLine': { backgroundColor: '#27272a66' },
    '.cm-activeLineGutter': { backgroundColor: '#27272a' },
    '.cm-cursor': { borderLeftColor: '#e4e4e7' },
    '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: '#0c4a6e' },
  },
  { dark: true },
);

/** The library's diagnostics (1-based lines, 0 for the whole file) as CodeMirror ranges. */
export function toCmDiagnostics(doc: Text, diagnostics: readonly Diagnostic[]): CmDiagnostic[] {
  return diagnostics.map((d) => {
    const line = doc.line(Math.min(Math.max(d.line, 1), doc.lines));
    return {
      from: line.from,
      to: line.to,
      severity: d.severity,
      message: d.message,
      source: d.code,
    };
  });
}

export interface RawEditorProps {
  value: string;
  onChange: (text: string) => void;
  diagnostics: readonly Diagnostic[];
  label: string;
  dark?: boolean;
  describedBy?: string;
}

export function RawEditor({ value, onChange, diagnostics, label, dark = false, describedBy }: RawEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const theme = useRef(new Compartment());
  const separator = useRef(new Compartment());
  // CodeMirror joins lines with \n unless told otherwise: keep a CRLF file CRLF (the parser keeps its `eol`).
  const eol = value.includes('\r\n') ? '\r\n' : undefined;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the view is created once; later props are synced below
  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          separator.current.of(eol ? EditorState.lineSeparator.of(eol) : []),
          StreamLanguage.define(properties),
          lintGutter(),
          theme.current.of(dark ? darkTheme : []),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({
            'aria-label': label,
            ...(describedBy ? { 'aria-describedby': describedBy } : {}),
          }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !u.transactions.some((tr) => tr.annotation(external))) {
              // sliceDoc joins lines with the state's line separator (doc.toString() always uses \n).
              onChangeRef.current(u.state.sliceDoc());
            }
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  // Text changed outside (the form): replace the document without echoing it back.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const wanted = eol ? EditorState.lineSeparator.of(eol) : [];
    if ((v.state.facet(EditorState.lineSeparator) ?? undefined) !== eol) {
      v.dispatch({ effects: separator.current.reconfigure(wanted), annotations: external.of(true) });
    }
    if (v.state.sliceDoc() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value }, annotations: external.of(true) });
    }
  }, [value, eol]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    v.dispatch(setDiagnostics(v.state, toCmDiagnostics(v.state.doc, diagnostics)));
  }, [diagnostics]);

  useEffect(() => {
    view.current?.dispatch({ effects: theme.current.reconfigure(dark ? darkTheme : []) });
  }, [dark]);

  return (
    <div
      ref={host}
      className="overflow-hidden rounded-md border border-zinc-300 dark:border-zinc-700"
      data-testid="raw-editor"
    />
  );
}
