/**
 * `@mailramp/ops/exec`: the command runner other packages hand to ops (the CLI). The recording
 * runner for tests is in `@mailramp/ops/testing`.
 */
export {
  type CommandCall,
  type CommandResult,
  type CommandRunner,
  createProcessRunner,
  type ProcessRunnerOptions,
  type RunOptions,
} from './command-runner.js';
