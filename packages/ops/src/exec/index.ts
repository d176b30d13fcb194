export {
  type CommandCall,
  type CommandResult,
  type CommandRunner,
  createProcessRunner,
  type ProcessRunnerOptions,
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
