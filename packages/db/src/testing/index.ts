export {
  createTestDatabase,
  createTestDataDir,
  type TestDatabase,
  type TestDatabaseOptions,
  testEngines,
} from './create-test-database.js';
