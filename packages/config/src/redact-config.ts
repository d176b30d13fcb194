import { redactUrl } from '@mailramp/db';
import type { Config } from './schema.js';

const SECRET_KEYS = /^(token|password|secret|apiKey|.*Token|.*Password|.*Secret)$/;

/**
 * A copy of the config safe to print: secrets become `***`, and so do URL passwords (an unencoded
 * `@` in one included) and secret-named URL parameters (`?password=`).
 */
export function redactConfig(config: Config): unknown {
  return redactValue(config, '');
}

function redactValue(value: unknown, key: string, parent = ''): unknown {
  if (typeof value === 'string') {
    // A Slack-style webhook URL carries its credential in the path.
    if (SECRET_KEYS.test(key) || (parent === 'webhook' && key === 'url')) return '***';
    return redactUrl(value);
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, ''));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k, key)]));
  }
  return value;
}
