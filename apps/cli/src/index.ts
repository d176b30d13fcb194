export type { CliContext, GlobalOptions } from './context.js';
export { CliError, EXIT, type ExitCode, exitCodeOf } from './exit-codes.js';
export { type CliIo, captureIo, processIo } from './io.js';
export { runCli } from './run-cli.js';
