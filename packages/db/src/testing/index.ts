export {
  createTestDatabase,
  type TestDatabase,
  type TestDatabaseOptions,
  testEngines,
} from './create-test-database.js';
