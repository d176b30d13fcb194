/** describeRunError: the run row's error carries the cause chain, not only the outermost message. */
import { describe, expect, it } from 'vitest';
import { describeRunError } from './create-slot-runner.js';

describe('describeRunError', () => {
  it('follows error.cause down to the socket error, once each', () => {
    const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:19101'), { code: 'ECONNREFUSED' });
    const fetchFailed = new TypeError('fetch failed', { cause: socket });
    const outer = Object.assign(new Error('Listmonk trucking is unreachable', { cause: fetchFailed }), {
      code: 'UNREACHABLE',
    });
    expect(describeRunError(outer)).toBe(
      'UNREACHABLE: Listmonk trucking is unreachable: fetch failed: connect ECONNREFUSED 127.0.0.1:19101',
    );
  });

  it('stops on a cycle and prints a thrown non-error', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(describeRunError(b)).toBe('b: a');
    expect(describeRunError('plain')).toBe('plain');
  });
});
