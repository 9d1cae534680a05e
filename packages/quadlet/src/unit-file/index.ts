/**
 * Public API of the unit-file core: the lossless parser and serializer, Podman-compatible queries, minimal
 * edits, the single value encoder, word splitting/quoting, the canonical form and drop-in merging.
 */

export { serializeCanonical } from './canonical';
export {
  applyDropIns,
  type DropInConf,
  type DropInOptions,
  type DropInPlan,
  dropInDirs,
  dropInSearchPaths,
  planDropIns,
} from './dropins';
export { addValue, removeKey, removeSection, renameSection, setValue, setValues } from './edit';
export {
  encodeLookupValue,
  encodeValue,
  escapeSpecifiers,
  formatEntry,
  formatSectionHeader,
  keyProblem,
  valueProblem,
} from './encode';
export { UnitValueError, type UnitValueErrorCode } from './errors';
export { isCommentLine, isValidSectionName, parseUnitFile } from './parse';
export {
  fatalNodes,
  getAll,
  getAllValues,
  getEntries,
  getLast,
  type LookupQuoting,
  listKeys,
  listSections,
  lookup,
  lookupBoolean,
  lookupQuoting,
  unquoteLookupValue,
} from './query';
export { serializeUnitFile } from './serialize';
export type * from './types';
export { getAllWords, getKeyValues, getLastWords } from './values';
export { compareCodePoints, trimGoSpace } from './whitespace';
export { joinWords, quoteWord, type SplitMode, type SplitResult, splitWords } from './words';
