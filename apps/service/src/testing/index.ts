export { createTestLogger } from './create-test-logger.js';
export { openTestMailramp, type TestMailramp } from './open-test-mailramp.js';
export { type ServiceResultsSize, seedServiceResults } from './seed-service-results.js';
