export { bundleTestChild } from './bundle-test-child.js';
export { createSeedSnapshot, type SeedSnapshot } from './create-seed-snapshot.js';
export {
  createTestDatabase,
  createTestDatabaseSection,
  createTestDataDir,
  everyTestEngine,
  TEST_ENGINES_ENV,
  type TestDatabase,
  type TestDatabaseOptions,
  type TestDatabaseSection,
  testEngines,
} from './create-test-database.js';
export { type SeededTestDatabases, seededTestDatabases } from './seeded-test-databases.js';
