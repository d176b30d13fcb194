import { expect } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseConfig } from '../load-config.js';

/** Tests only: the problems `parseConfig` reports for `input`, which it must reject. */
export function problemsOf(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be rejected');
}
