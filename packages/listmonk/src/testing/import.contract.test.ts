import { afterEach, describe, expect, it } from 'vitest';
import { createStandInKit } from './create-stand-in-kit.js';
import { MSG } from './messages.js';
import type { createRawApi } from './stand-in-fetch.js';

// Listmonk's bulk import as ../shared/LISTMONK.md (section "Bulk import") and Listmonk's
// internal/subimporter describe it. Each test cites the line it encodes.

const kit = createStandInKit();
afterEach(() => kit.closeAll());

type Api = ReturnType<typeof createRawApi>;

function importForm(csv: string, params: Record<string, unknown> = {}, fileName = 'subs.csv'): FormData {
  const form = new FormData();
  form.append('params', JSON.stringify({ mode: 'subscribe', delim: ',', lists: [1], ...params }));
  form.append('file', new Blob([csv], { type: 'text/csv' }), fileName);
  return form;
}

async function waitImport(api: Api) {
  for (;;) {
    const res = await api('GET', '/api/import/subscribers');
    const data = res.body.data as { status: string; imported: number; total: number };
    if (data.status !== 'importing' && data.status !== 'stopping') return data;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function boot(version: number | string, options: { importBatchSize?: number } = {}) {
  const started = await kit.start({ version, importBatchDelayMs: 1, ...options });
  await started.api('POST', '/api/lists', { name: 'trucking' });
  return started;
}

async function runImport(api: Api, csv: string, params: Record<string, unknown> = {}) {
  const post = await api('POST', '/api/import/subscribers', importForm(csv, params));
  expect(post.status).toBe(200);
  return waitImport(api);
}

const VERSIONS = [4, 5, 6] as const;

describe('import parameters (refused before anything is read)', () => {
  it.each(VERSIONS)('v%i: a bad subscription_status is 400', async (version) => {
    // LISTMONK.md:56
    const { api } = await boot(version);
    const res = await api(
      'POST',
      '/api/import/subscribers',
      importForm('email\na@x.org\n', { subscription_status: 'subscribed' }),
    );
    expect(res).toMatchObject({ status: 400, body: { message: MSG.invalidSubStatus } });
  });

  it.each(VERSIONS)(
    'v%i: the delimiter is counted in bytes: "§" is one character but 400',
    async (version) => {
      // LISTMONK.md:57 (and :45)
      const { api } = await boot(version);
      for (const delim of ['§', ';;', '']) {
        const res = await api('POST', '/api/import/subscribers', importForm('email\na@x.org\n', { delim }));
        expect(res).toMatchObject({ status: 400, body: { message: MSG.invalidDelim } });
      }
      expect(
        (await api('POST', '/api/import/subscribers', importForm('email\na@x.org\n', { delim: ';' }))).status,
      ).toBe(200);
    },
  );

  it.each(VERSIONS)(
    'v%i: a missing email column is accepted (200) and the import fails later',
    async (version) => {
      // LISTMONK.md:57
      const { api, standIn } = await boot(version);
      const post = await api('POST', '/api/import/subscribers', importForm('mail,name\na@x.org,A\n'));
      expect(post.status).toBe(200);
      expect(await waitImport(api)).toMatchObject({ status: 'failed', imported: 0 });
      expect(standIn.state.subscribers.size).toBe(0);
    },
  );
});

describe('rows Listmonk skips', () => {
  it.each(VERSIONS)('v%i: a row with fewer or more fields than the header is skipped', async (version) => {
    // LISTMONK.md:51
    const { api, standIn } = await boot(version);
    const csv = ['email,name', 'ok@x.org,Ok', 'short@x.org', 'long@x.org,Long,extra', 'ok2@x.org,Ok2'].join(
      '\n',
    );
    expect(await runImport(api, csv)).toMatchObject({ status: 'finished', imported: 2, total: 4 });
    expect([...standIn.state.subscribers.values()].map((s) => s.email)).toEqual(['ok@x.org', 'ok2@x.org']);
  });

  it.each(VERSIONS)("v%i: addresses must survive Go's net/mail and are lower-cased", async (version) => {
    // LISTMONK.md:53
    const { api, standIn } = await boot(version);
    const bad = [
      'a..b@x.org',
      '.a@x.org',
      'a.@x.org',
      'Jane <jane@x.org>',
      '"q"@x.org',
      'a@b@x.org',
      'a b@x.org',
      'a@x..org',
    ];
    const csv = [
      'email,name',
      ...bad.map((e, i) => `"${e.replaceAll('"', '""')}",B${i}`),
      '  Mixed.Case@X.ORG ,M',
    ].join('\n');
    expect(await runImport(api, csv)).toMatchObject({ status: 'finished', imported: 1 });
    expect([...standIn.state.subscribers.values()].map((s) => s.email)).toEqual(['mixed.case@x.org']);
  });

  it('a blocked domain is skipped; *.d blocks d and one label more, not two', async () => {
    // LISTMONK.md:51
    const { api, standIn } = await boot(5);
    standIn.state.appliedSettings['privacy.domain_blocklist'] = ['*.blocked.example'];
    const csv = [
      'email',
      'a@blocked.example',
      'b@mx.blocked.example',
      'c@a.mx.blocked.example',
      'd@x.org',
    ].join('\n');
    expect(await runImport(api, csv)).toMatchObject({ status: 'finished', imported: 2 });
    expect([...standIn.state.subscribers.values()].map((s) => s.email)).toEqual([
      'c@a.mx.blocked.example',
      'd@x.org',
    ]);
  });
});

describe('a CSV syntax error fails the whole import', () => {
  it.each(VERSIONS)(
    'v%i: a bare quote in an unquoted field: failed, nothing of the open batch imported',
    async (version) => {
      // LISTMONK.md:52
      const { api, standIn } = await boot(version);
      const csv = ['email,name', 'a@x.org,A', 'b@x.org,O"Neil', 'c@x.org,C'].join('\n');
      expect(await runImport(api, csv)).toMatchObject({ status: 'failed', imported: 0 });
      expect(standIn.state.subscribers.size).toBe(0);
    },
  );

  it('rows of batches committed before the error stay; the open batch is lost', async () => {
    // LISTMONK.md:52, :61
    const { api, standIn } = await boot(5, { importBatchSize: 2 });
    const csv = ['email', 'a@x.org', 'b@x.org', 'c@x.org', '"d@x.org"x'].join('\n');
    expect(await runImport(api, csv)).toMatchObject({ status: 'failed', imported: 2 });
    expect([...standIn.state.subscribers.values()].map((s) => s.email)).toEqual(['a@x.org', 'b@x.org']);
  });
});

describe('the derived name', () => {
  const csv = ['email,name', 'jane.roe@x.org,', "o'neil.49ers@x.org,  ", 'kept@x.org, Kept '].join('\n');

  it('v5/v6: cases.Title of the local part, dots as spaces', async () => {
    // LISTMONK.md:54
    for (const version of [5, 6]) {
      const { api, standIn } = await boot(version);
      await runImport(api, csv);
      expect([...standIn.state.subscribers.values()].map((s) => s.name)).toEqual([
        'Jane Roe',
        "O'neil 49Ers",
        'Kept',
      ]);
    }
  });

  it('v3/v4: strings.Title, which also capitalises after an apostrophe', async () => {
    // LISTMONK.md:54
    const { api, standIn } = await boot(4);
    await runImport(api, csv);
    expect([...standIn.state.subscribers.values()].map((s) => s.name)).toEqual([
      'Jane Roe',
      "O'Neil 49ers",
      'Kept',
    ]);
  });

  it('v2: the name column is required and an empty name skips the row', async () => {
    const { api, standIn } = await boot('2.5.1');
    expect(await runImport(api, csv)).toMatchObject({ status: 'finished', imported: 1 });
    expect([...standIn.state.subscribers.values()].map((s) => s.name)).toEqual(['Kept']);
    expect(await runImport(api, 'email\na@x.org\n')).toMatchObject({ status: 'failed' });
  });

  it.each(VERSIONS)('v%i: with overwrite, the derived name replaces the stored one', async (version) => {
    // LISTMONK.md:55
    const { api, standIn } = await boot(version);
    await runImport(api, 'email,name\njane.roe@x.org,Jane Q. Roe\n');
    await runImport(api, 'email,name\njane.roe@x.org,\n', { overwrite: false });
    expect([...standIn.state.subscribers.values()][0]!.name).toBe('Jane Q. Roe');
    await runImport(api, 'email,name\njane.roe@x.org,\n', { overwrite: true });
    expect([...standIn.state.subscribers.values()][0]!.name).toBe('Jane Roe');
  });
});

describe('blocklisted subscribers', () => {
  async function blocklistedThenImported(version: number) {
    const { api, standIn } = await boot(version);
    await runImport(api, 'email,name\nbad@x.org,Bad\n', { mode: 'blocklist', lists: [] });
    expect([...standIn.state.subscribers.values()][0]!.status).toBe('blocklisted');
    await runImport(api, 'email,name\nbad@x.org,Bad\n', {
      subscription_status: 'confirmed',
      overwrite: true,
    });
    return [...standIn.state.subscribers.values()][0]!;
  }

  it.each([4, 5, 6])('v%i: a blocklisted address is imported unsubscribed on every list', async (version) => {
    // LISTMONK.md:55
    const s = await blocklistedThenImported(version);
    expect(s.status).toBe('blocklisted');
    expect([...s.lists.values()]).toEqual(['unsubscribed']);
  });

  it('v3: before v4 it gets the asked status', async () => {
    // LISTMONK.md:55 (v4+ only)
    const s = await blocklistedThenImported(3);
    expect([...s.lists.values()]).toEqual(['confirmed']);
  });
});

describe('database errors end an import as finished or failed', () => {
  it.each(VERSIONS)('v%i: an unknown list id: finished, 0 imported, nobody created', async (version) => {
    // LISTMONK.md:63
    const { api, standIn } = await boot(version);
    expect(await runImport(api, 'email\na@x.org\nb@x.org\n', { lists: [1, 99] })).toMatchObject({
      status: 'finished',
      imported: 0,
      total: 2,
    });
    expect(standIn.state.subscribers.size).toBe(0);
  });

  it.each(VERSIONS)(
    'v%i: an error on the first row of a batch: finished with the earlier batches',
    async (version) => {
      // LISTMONK.md:61
      const { api, standIn } = await boot(version, { importBatchSize: 2 });
      standIn.failImportAfterBatches(1, 'first-row');
      const csv = ['email', 'a@x.org', 'b@x.org', 'c@x.org', 'd@x.org', 'e@x.org'].join('\n');
      expect(await runImport(api, csv)).toMatchObject({ status: 'finished', imported: 2, total: 5 });
      expect(standIn.state.subscribers.size).toBe(2);
    },
  );

  it.each(VERSIONS)('v%i: an error mid-batch: failed with the earlier batches', async (version) => {
    // LISTMONK.md:62
    const { api, standIn } = await boot(version, { importBatchSize: 2 });
    standIn.failImportAfterBatches(1, 'mid-batch');
    const csv = ['email', 'a@x.org', 'b@x.org', 'c@x.org', 'd@x.org', 'e@x.org'].join('\n');
    expect(await runImport(api, csv)).toMatchObject({ status: 'failed', imported: 2 });
    expect(standIn.state.subscribers.size).toBe(2);
  });
});

describe('v6 parameters', () => {
  it('v6.1+: no list in subscribe mode is 403 (lists are filtered by permission); v6.0 accepts it', async () => {
    const v62 = await boot('6.2.0');
    expect(
      (await v62.api('POST', '/api/import/subscribers', importForm('email\na@x.org\n', { lists: [] })))
        .status,
    ).toBe(403);
    const v60 = await boot('6.0.0');
    expect(
      (await v60.api('POST', '/api/import/subscribers', importForm('email\na@x.org\n', { lists: [] })))
        .status,
    ).toBe(200);
  });

  it('v6: overwrite_userinfo and overwrite_subscription_status are separate; overwrite sets both', async () => {
    // LISTMONK.md:47
    const { api, standIn } = await boot(6);
    await runImport(api, 'email,name\na@x.org,Old\n', { subscription_status: 'unconfirmed' });
    await runImport(api, 'email,name\na@x.org,New\n', {
      subscription_status: 'confirmed',
      overwrite_userinfo: true,
    });
    const s = [...standIn.state.subscribers.values()][0]!;
    expect([s.name, s.lists.get(1)]).toEqual(['New', 'unconfirmed']);
    await runImport(api, 'email,name\na@x.org,Newer\n', {
      subscription_status: 'confirmed',
      overwrite: true,
    });
    expect([s.name, s.lists.get(1)]).toEqual(['Newer', 'confirmed']);
  });
});
