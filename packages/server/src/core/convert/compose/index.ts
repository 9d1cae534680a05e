// Compose → compartment spec (issue 16): see convert.ts. Pure: files are read by the caller's `readFile`.
export {
  type ConvertOptions,
  type ConvertResult,
  convertCompose,
  type Disposition,
  projectName,
  type ReportEntry,
  reportText,
} from './convert.js';
export { InterpolationError, interpolate } from './interpolate.js';
export type { ComposeFile, ReadFile, Variable } from './load.js';
export { ComposeError, mergeCompose } from './merge.js';
