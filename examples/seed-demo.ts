/**
 * A demo database to try the other examples on: applies the migrations and seeds a generated
 * audience (embedded PGlite in the config's `database.dataDir`, or PostgreSQL at DATABASE_URL).
 *
 *   node seed-demo.js [today YYYY-MM-DD] [carriers]
 */
import { openMailramp } from 'mailramp';

const today = process.argv[2] ?? new Date().toISOString().slice(0, 10);
const carriers = Number(process.argv[3] ?? 2000);

// The demo audience's dates (due MCS-150s, new carriers…) are drawn around "today".
await using mailramp = await openMailramp(process.env.MAILRAMP_CONFIG ?? 'mailramp.config.json', {
  now: () => new Date(`${today}T06:00:00Z`),
});
const migrated = await mailramp.database.migrate();
console.log(`migrations: ${migrated.applied.length} applied, ${migrated.alreadyApplied} already applied`);
const seeded = await mailramp.database.seedDemo({ carriers, providers: Math.ceil(carriers / 5), seed: 7 });
console.log(`seeded: ${seeded.carriers} carriers, ${seeded.providers} providers (as of ${today})`);
