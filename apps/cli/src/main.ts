import { processIo } from './io.js';
import { sayWhatAnInterruptLeaves } from './on-interrupt.js';
import { runCli } from './run-cli.js';

const argv = process.argv.slice(2);
const io = processIo();
sayWhatAnInterruptLeaves(argv, io.stderr);
process.exitCode = await runCli(argv, io);
