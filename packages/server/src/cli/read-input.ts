/** Reading a command's input file (`-` for standard input); a file that cannot be read is a usage error. */
import { readFileSync } from 'node:fs';
import { UsageError } from './usage.js';

/** The file's text and how messages name it (`stdin` for `-`). */
export function readInput(file: string): { text: string; source: string } {
  try {
    return file === '-'
      ? { text: readFileSync(0, 'utf8'), source: 'stdin' }
      : { text: readFileSync(file, 'utf8'), source: file };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}
