/**
 * Test helper (not part of the library's API; reads the disk, so only tests import it): Podman's own Quadlet
 * test suite, as scripts/oracle/fetch-podman-tests.sh extracts it from a Debian podman source package —
 * the case files under test/e2e/quadlet/ and the table in test/e2e/quadlet_test.go that says what each case
 * expects.
 *
 * quadlet_test.go is Go (Ginkgo). Its table is a list of `DescribeTable("title", fn, Entry(...), ...)` calls;
 * the title says the outcome ("…expected warning…", "…expected error…", any other title: success), and each
 * `Entry("description", "file", third?)` names the case file, where the third argument is the expected
 * message (warning and error tables), a service name (the ServiceName table), or a `[]string{…}` of files the
 * case needs beside it (the dependencies table). Rather than a Go parser, a careful regex reads those entries:
 * Go string literals (`"…"` with backslash escapes, which JSON.parse decodes the same way for the escapes
 * the table uses) and `[]string{…}` lists of them. Every table entry must be read, or `parsePodmanSuite`
 * throws, so a change in the file's shape fails loudly instead of dropping cases.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LintFile } from '../types';

export type Expectation = 'success' | 'warning' | 'error';

export interface PodmanCase {
  /** The Entry's description. */
  name: string;
  /** The case file under test/e2e/quadlet/. */
  file: string;
  expect: Expectation;
  /** The expected warning or error text, where the table gives one. */
  message?: string;
  /** Case files written beside it (the dependencies table). */
  dependencies: string[];
}

const GO_STRING = String.raw`"(?:[^"\\\n]|\\.)*"`;
const GO_LIST = String.raw`\[\]string\s*\{(?:\s*${GO_STRING}\s*,?)*\s*\}`;
const ENTRY = new RegExp(
  String.raw`\bEntry\(\s*(${GO_STRING})\s*,\s*(${GO_STRING})\s*(?:,\s*(${GO_STRING}|${GO_LIST})\s*)?,?\s*\)`,
  'g',
);
const TABLE = new RegExp(String.raw`\bDescribeTable\(\s*(${GO_STRING})`, 'g');

const goString = (lit: string): string => JSON.parse(lit) as string;

/** Reads the table of quadlet_test.go. */
export function parsePodmanSuite(goSource: string): PodmanCase[] {
  const tables = [...goSource.matchAll(TABLE)];
  const cases: PodmanCase[] = [];
  tables.forEach((t, i) => {
    const title = goString(t[1]!);
    const body = goSource.slice(t.index, tables[i + 1]?.index ?? goSource.length);
    const expect: Expectation = /expected warning/i.test(title)
      ? 'warning'
      : /expected error/i.test(title)
        ? 'error'
        : 'success';
    const entries = [...body.matchAll(ENTRY)];
    const calls = body.match(/\bEntry\(/g)?.length ?? 0;
    if (entries.length !== calls) {
      throw new Error(`quadlet_test.go, table "${title}": read ${entries.length} of its ${calls} entries`);
    }
    for (const e of entries) {
      const third = e[3];
      const dependencies = third?.startsWith('[]')
        ? [...third.matchAll(new RegExp(GO_STRING, 'g'))].map((m) => goString(m[0]))
        : [];
      const message = third && !third.startsWith('[]') && expect !== 'success' ? goString(third) : undefined;
      cases.push({ name: goString(e[1]!), file: goString(e[2]!), expect, message, dependencies });
    }
  });
  if (cases.length === 0) throw new Error('quadlet_test.go: no table entries found');
  return cases;
}

/** The files of a case as the suite writes them into its quadlet folder: the file, its drop-in folders, its dependencies. */
export function caseFiles(caseDir: string, c: PodmanCase): LintFile[] {
  const files: LintFile[] = [];
  const add = (rel: string) => files.push({ path: rel, text: readFileSync(join(caseDir, rel), 'utf8') });
  add(c.file);
  const dropInDirs = [`${c.file}.d`];
  // A template instance (`a@b.container`) also reads the template's drop-ins (`a@.container.d`).
  const instance = /^([^@]+@)[^.]+(\..+)$/.exec(c.file);
  if (instance) dropInDirs.push(`${instance[1]}${instance[2]}.d`);
  for (const d of dropInDirs) {
    const abs = join(caseDir, d);
    if (existsSync(abs) && statSync(abs).isDirectory()) {
      for (const n of readdirSync(abs).sort()) add(`${d}/${n}`);
    }
  }
  for (const dep of c.dependencies) if (dep !== c.file) add(dep);
  return files;
}
