/**
 * The library behind `mailramp ops report` in a lean process (no CLI, no other packages loaded):
 * reads the logs named on the command line and prints the totals and the in-process time as JSON.
 * Used by test/bench/maillog.ts to separate start-up from throughput.
 *
 *   pnpm tsx test/bench/maillog-library.ts FILE…
 */

import { orderRotatedFiles, statLogFiles, summarizeMailLog } from '../../packages/ops/src/maillog/index.js';

const start = performance.now();
const summary = await summarizeMailLog({
  files: await statLogFiles(orderRotatedFiles(process.argv.slice(2))),
});
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ seconds, lines: summary.lines.total, totals: summary.totals }));
