/**
 * The library behind `mailramp ops report` in a lean process (no CLI, no other packages loaded):
 * reads the logs named on the command line and prints the totals and the in-process time as JSON.
 * Used by test/bench/maillog.ts to separate start-up from throughput.
 *
 *   [BENCH_THREADS=N] pnpm tsx test/bench/maillog-library.ts FILE…
 *
 * BENCH_THREADS fixes the thread count (1 = one ordered pass) instead of the load-average default.
 */

import { orderRotatedFiles, statLogFiles, summarizeMailLog } from '../../packages/ops/src/maillog/index.js';

const start = performance.now();
const summary = await summarizeMailLog({
  files: await statLogFiles(orderRotatedFiles(process.argv.slice(2))),
  ...(process.env.BENCH_THREADS ? { threads: Number(process.env.BENCH_THREADS) } : {}),
  // Bundled (test/bench/maillog.ts), the worker-thread entry is bundled beside this script.
  ...(import.meta.url.endsWith('.mjs')
    ? { workerUrl: new URL('./maillog-worker.mjs', import.meta.url) }
    : {}),
});
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ seconds, lines: summary.lines.total, totals: summary.totals }));
