/**
 * Serializes a parsed (and possibly edited) unit file back to text: the nodes' physical lines joined with the
 * file's line terminator. For an unedited parse the result is byte-for-byte the input.
 */
import { joinLines } from './lines';
import type { UnitFile } from './types';

export function serializeUnitFile(u: UnitFile): string {
  return joinLines(
    u.nodes.flatMap((n) => n.raw),
    u.eol,
    u.finalNewline,
  );
}
