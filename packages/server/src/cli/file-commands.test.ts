import { describe, expect, it } from 'vitest';
import { FILE_COMMANDS } from './args';
import { FILE_MODULES } from './file-commands';

describe('the files bundle', () => {
  it('holds exactly the commands the launcher sends to it', () => {
    expect(FILE_MODULES.flatMap((m) => m.commands)).toEqual(FILE_COMMANDS);
  });
});
