// `podman run` commands → compartment spec (issue 16): see convert.ts. Pure: the text is all it reads.
export { convertRun, MAX_COMMAND_TEXT, type RunConvertOptions, type RunConvertResult } from './convert.js';
export { RunCommandError, splitCommands, type Word } from './words.js';
