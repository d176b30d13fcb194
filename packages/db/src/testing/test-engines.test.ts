import { afterEach, describe, expect, it, vi } from 'vitest';
import { everyTestEngine, TEST_ENGINES_ENV, testEngines } from './create-test-database.js';

describe('the engines SQL tests run on', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is PGlite alone with no server', () => {
    vi.stubEnv('TEST_DATABASE_URL', '');
    expect(testEngines()).toEqual(['pglite']);
    expect(everyTestEngine()).toEqual(['pglite']);
  });

  it('is the server with TEST_DATABASE_URL; what differs by engine runs on both', () => {
    vi.stubEnv('TEST_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres');
    expect(testEngines()).toEqual(['postgres']);
    expect(everyTestEngine()).toEqual(['pglite', 'postgres']);
  });

  it(`is both for every test with ${TEST_ENGINES_ENV}=all`, () => {
    vi.stubEnv('TEST_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres');
    vi.stubEnv(TEST_ENGINES_ENV, 'all');
    expect(testEngines()).toEqual(['pglite', 'postgres']);
    vi.stubEnv('TEST_DATABASE_URL', '');
    expect(testEngines()).toEqual(['pglite']);
  });
});
