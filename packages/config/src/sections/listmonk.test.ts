import { describe, expect, it } from 'vitest';
import { ListmonkSection } from './listmonk.js';

describe('listmonk config section', () => {
  it('defaults auth, timeout, concurrency and the send_at margin per instance', () => {
    const parsed = ListmonkSection.parse({ instances: { trucking: { url: 'https://lists.example.com' } } });
    expect(parsed.instances.trucking).toEqual({
      url: 'https://lists.example.com',
      auth: 'auto',
      timeoutMs: 15_000,
      concurrency: 4,
      sendAtMarginMs: 120_000,
    });
  });

  it.each([
    [{ url: 'https://l.example', auth: 'bearer' }, 'auth'],
    [{ url: 'https://l.example', sendAtMarginMs: -1 }, 'sendAtMarginMs'],
    [{ url: 'https://l.example', retries: 3 }, ''],
    [{ url: 'not a url' }, 'url'],
    // Issue 20 (8): a mistyped scheme passed as a URL, and the build then failed with exit 3 as if
    // Listmonk were down.
    [{ url: 'htp://lists.example.com' }, 'url'],
    [{ url: 'ftp://lists.example.com' }, 'url'],
  ])('refuses %j', (instance, path) => {
    const result = ListmonkSection.safeParse({ instances: { trucking: instance } });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path.join('.')).toBe(
      ['instances', 'trucking', path].filter(Boolean).join('.'),
    );
  });
});
