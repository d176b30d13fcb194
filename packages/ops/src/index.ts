export { OPS_ERROR_CODES, OpsError, type OpsErrorCode } from './errors.js';
export {
  type CommandCall,
  type CommandResult,
  type CommandRunner,
  createProcessRunner,
  createRecordingRunner,
  type ProcessRunnerOptions,
  type RecordingRunner,
  type ScriptedResponse,
} from './exec/command-runner.js';
export {
  assertSafeCommand,
  cidrArg,
  hostnameArg,
  interfaceArg,
  ipArg,
  ipv4Arg,
  prefixArg,
  transportArg,
} from './exec/safe-args.js';
