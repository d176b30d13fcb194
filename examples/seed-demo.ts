/**
 * A demo database to try the other examples on: applies the migrations and seeds a generated
 * audience (embedded PGlite in the config's `database.dataDir`, or PostgreSQL at DATABASE_URL).
 *
 *   node seed-demo.js [today YYYY-MM-DD] [carriers]
 */
import { seedDemoAudience } from '@mailramp/builder';
import { runMigrations } from '@mailramp/db';
import { openMailramp } from 'mailramp';

const today = process.argv[2] ?? new Date().toISOString().slice(0, 10);
const carriers = Number(process.argv[3] ?? 2000);

await using mailramp = await openMailramp(process.env.MAILRAMP_CONFIG ?? 'mailramp.config.json');
const db = await mailramp.db();
const migrated = await runMigrations(db);
console.log(`migrations: ${migrated.applied.length} applied, ${migrated.alreadyApplied} already applied`);
const seeded = await seedDemoAudience(db, { carriers, providers: Math.ceil(carriers / 5), seed: 7, today });
console.log(`seeded: ${seeded.carriers} carriers, ${seeded.providers} providers (as of ${today})`);
