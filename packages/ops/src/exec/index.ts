export {
  type CommandCall,
  type CommandResult,
  type CommandRunner,
  createProcessRunner,
  createRecordingRunner,
  type ProcessRunnerOptions,
  type RecordingRunner,
  type ScriptedResponse,
} from './command-runner.js';
export {
  assertSafeCommand,
  cidrArg,
  hostnameArg,
  interfaceArg,
  ipArg,
  ipv4Arg,
  pathArg,
  prefixArg,
  transportArg,
} from './safe-args.js';
