/**
 * Benchmark: import N census rows (default 2,000,000) into PostgreSQL through `importCarriers` (the
 * default `copy` path: COPY into a temporary table, one upsert per batch), then re-import the same
 * file (everything unchanged), and compare on a small sample in the same run with two peers on the
 * `batches` path: row at a time (batch size 1) and batched (5000 rows per statement, the previous
 * default). Target: 2M rows in under 60 s.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm tsx test/bench/import-census.ts [--rows N] [--sample N]
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCarriers, readCsvRecords } from '../../packages/builder/src/index.js';
import { createTestDatabase } from '../../packages/db/src/testing/index.js';
import { benchServerUrl } from './bench-support.js';
import { writeCensus } from './generate-census.js';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = argv.indexOf(name);
  return i === -1 ? fallback : Number(argv[i + 1]);
};
const rows = arg('--rows', 2_000_000);
const sample = arg('--sample', 20_000);
const url = benchServerUrl();
process.env.TEST_DATABASE_URL = url;

async function generate(n: number): Promise<string> {
  const file = join(tmpdir(), `mailramp-bench-company-census-${n}.csv`);
  if (!existsSync(file)) {
    const out = createWriteStream(file);
    await writeCensus(out, { shape: 'company_census', rows: n, seed: 7 });
    out.end();
    await once(out, 'finish');
  }
  return file;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, (performance.now() - start) / 1000];
}

const big = await generate(rows);
const small = await generate(sample);
console.log(
  `file: ${big} (${(statSync(big).size / 1e6).toFixed(0)} MB, ${rows.toLocaleString('en-US')} rows)`,
);

const t = await createTestDatabase({ engine: 'postgres' });
try {
  const [first, firstSecs] = await timed(() =>
    importCarriers(t.db, readCsvRecords(createReadStream(big, { highWaterMark: 1 << 20 })), {
      yearPivot: 26,
    }),
  );
  console.log(
    `first import: ${firstSecs.toFixed(1)} s, ${Math.round(rows / firstSecs).toLocaleString('en-US')} rows/s (inserted ${first.inserted.toLocaleString('en-US')})`,
  );
  const [again, againSecs] = await timed(() =>
    importCarriers(t.db, readCsvRecords(createReadStream(big, { highWaterMark: 1 << 20 })), {
      yearPivot: 26,
    }),
  );
  console.log(
    `re-import: ${againSecs.toFixed(1)} s, ${Math.round(rows / againSecs).toLocaleString('en-US')} rows/s (unchanged ${again.unchanged.toLocaleString('en-US')}, updated ${again.updated})`,
  );
} finally {
  await t.destroy();
}

// Peers: the batched path one row per statement and 5000 per statement, against the default (copy)
// path, on the same sample, each into a fresh database.
const peer = await createTestDatabase({ engine: 'postgres' });
const batched = await createTestDatabase({ engine: 'postgres' });
const copied = await createTestDatabase({ engine: 'postgres' });
try {
  const read = () => readCsvRecords(createReadStream(small));
  const [, oneSecs] = await timed(() =>
    importCarriers(peer.db, read(), { yearPivot: 26, method: 'batches', batchSize: 1 }),
  );
  const [, batchSecs] = await timed(() =>
    importCarriers(batched.db, read(), { yearPivot: 26, method: 'batches' }),
  );
  const [, copySecs] = await timed(() => importCarriers(copied.db, read(), { yearPivot: 26 }));
  console.log(
    `sample ${sample.toLocaleString('en-US')} rows: row-at-a-time ${oneSecs.toFixed(2)} s, batched ${batchSecs.toFixed(2)} s, copy ${copySecs.toFixed(2)} s → copy ${(oneSecs / copySecs).toFixed(1)}× faster than row-at-a-time, ${(batchSecs / copySecs).toFixed(1)}× than batched`,
  );
} finally {
  await peer.destroy();
  await batched.destroy();
  await copied.destroy();
}
