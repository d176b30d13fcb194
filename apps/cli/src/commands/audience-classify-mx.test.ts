import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Database } from '@mailramp/db';
import { createTestDatabase, createTestDataDir, type TestDatabase } from '@mailramp/db/testing';
import { type FixtureDnsServer, type FixtureRecord, startFixtureDnsServer } from '@mailramp/ops/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';

// classify-mx asks the resolver health.dns names — here a DNS server on 127.0.0.1 — never the
// system's: no resolver is injected, and the made-up domains exist only on the fixture server.
describe('mailramp audience classify-mx with the configured resolver', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-classify-mx-'));
  let t: TestDatabase | undefined;
  let server: FixtureDnsServer;
  const records: FixtureRecord[] = [
    { name: 'acme-hauling.example', type: 'MX', exchange: 'aspmx.l.google.com', priority: 1 },
    { name: 'smallfleet.example', type: 'MX', exchange: 'mx-biz.mail.am0.yahoodns.net', priority: 1 },
    { name: 'flaky.example', type: 'SERVFAIL' },
    // RFC 7505 null MX: the domain says it takes no mail.
    { name: 'nullmx.example', type: 'MX', exchange: '.', priority: 0 },
    // No MX but an address: RFC 5321 §5.1 implicit MX, mail goes to that host.
    { name: 'webonly.example', type: 'A', address: '192.0.2.10' },
    { name: 'v6only.example', type: 'AAAA', address: '2001:db8::10' },
    // The name exists (a TXT record) with neither MX nor address.
    { name: 'parked.example', type: 'TXT', data: 'v=spf1 -all' },
  ];
  let args: string[];
  // The CLI's own database: PGlite in a data directory (opened here only between runs), or the
  // PostgreSQL test database.
  const withDb = async <T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> => {
    if (t !== undefined) return fn(t.db);
    const db = connect({ dataDir: join(dir, 'data') });
    try {
      return await fn(db);
    } finally {
      await db.destroy();
    }
  };
  beforeAll(async () => {
    server = await startFixtureDnsServer(records);
    t = process.env.TEST_DATABASE_URL ? await createTestDatabase({ engine: 'postgres' }) : undefined;
    const config = join(dir, 'mailramp.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        health: { dns: { resolver: { servers: [server.address], port: server.port, timeoutMs: 500 } } },
      }),
    );
    args =
      t === undefined
        ? ['--config', config, '--data-dir', join(dir, 'data')]
        : ['--config', config, '--database-url', t.url!];
    if (t === undefined) await createTestDataDir(join(dir, 'data'));
    await withDb((db) =>
      db
        .insertInto('fmcsa_carriers')
        .values([
          { dot_number: 1, email: 'a@acme-hauling.example' },
          { dot_number: 2, email: 'b@smallfleet.example' },
          { dot_number: 3, email: 'c@flaky.example' },
          { dot_number: 4, email: 'd@gone.example' },
          { dot_number: 5, email: 'e@nullmx.example' },
          { dot_number: 6, email: 'f@webonly.example' },
          { dot_number: 7, email: 'g@v6only.example' },
          { dot_number: 8, email: 'h@parked.example' },
        ])
        .execute(),
    );
  });
  afterAll(async () => {
    await server.close();
    await t?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const tags = () =>
    withDb(async (db) =>
      Object.fromEntries(
        (await db.selectFrom('fmcsa_carriers').select(['dot_number', 'mx_provider']).execute()).map((r) => [
          r.dot_number,
          r.mx_provider,
        ]),
      ),
    );

  it('tags by the configured resolver, leaves a failed look-up untagged and counted, and asks again next run', async () => {
    const io = captureIo();
    // A failed look-up is a finding (exit 1), not no_mx.
    expect(await runCli([...args, 'audience', 'classify-mx', '--json'], io)).toBe(EXIT.FINDINGS);
    const result = JSON.parse(io.out()) as {
      failed: Array<{ domain: string }>;
      resolver: string;
      byOperator: Record<string, number>;
    };
    expect(result.resolver).toBe(`127.0.0.1:${server.port}`);
    expect(result.failed.map((f) => f.domain)).toEqual(['flaky.example']);
    // NXDOMAIN, null MX and no host at all are told apart from an implicit MX (A/AAAA only).
    expect(result.byOperator).toEqual({
      google: 1,
      yahoo: 1,
      domain_not_found: 1,
      null_mx: 1,
      no_mx: 2,
      no_mail_host: 1,
    });
    expect(io.err()).toContain('1 look-up failed (left untagged; the next run asks again)');
    expect(io.err()).toContain('set by health.dns.resolver in the config');
    expect(server.queries).toContain('MX acme-hauling.example');
    expect(server.queries).toEqual(expect.arrayContaining(['A webonly.example', 'AAAA parked.example']));
    expect(await tags()).toEqual({
      1: 'google',
      2: 'yahoo',
      3: null,
      4: 'domain_not_found',
      5: 'null_mx',
      6: 'no_mx',
      7: 'no_mx',
      8: 'no_mail_host',
    });

    // The resolver recovers: the next run asks only for the domain left untagged.
    records.splice(2, 1, {
      name: 'flaky.example',
      type: 'MX',
      exchange: 'mx1.flaky-mail.example',
      priority: 10,
    });
    const before = server.queries.length;
    const again = captureIo();
    expect(await runCli([...args, 'audience', 'classify-mx', '--json'], again)).toBe(EXIT.OK);
    expect(JSON.parse(again.out())).toMatchObject({
      domains: 1,
      failed: [],
      byOperator: { 'mx:flaky-mail.example': 1 },
    });
    expect(server.queries.slice(before)).toEqual(['MX flaky.example']);
    expect((await tags())[3]).toBe('mx:flaky-mail.example');
  });

  it('exits 3 naming the resolver when it answers no look-up at all, asks no further, and tags nothing', async () => {
    // A UDP port nothing listens on: every query is refused (ICMP port unreachable) or times out.
    const socket = createSocket('udp4');
    await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
    const deadPort = socket.address().port;
    await new Promise<void>((done) => socket.close(() => done()));
    const config = join(dir, 'dead-resolver.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        health: { dns: { resolver: { servers: ['127.0.0.1'], port: deadPort, timeoutMs: 200 } } },
      }),
    );
    await withDb((db) =>
      db
        .insertInto('fmcsa_carriers')
        .values(
          Array.from({ length: 20 }, (_, i) => ({ dot_number: 100 + i, email: `x@fresh-${i}.example` })),
        )
        .execute(),
    );
    const io = captureIo();
    const deadArgs = args.map((a, i) => (args[i - 1] === '--config' ? config : a));
    expect(await runCli([...deadArgs, 'audience', 'classify-mx', '--json', '--concurrency', '1'], io)).toBe(
      EXIT.UNAVAILABLE,
    );
    // The first 16 look-ups all failed to reach it: the other 4 domains would only wait out the timeout.
    const result = JSON.parse(io.out()) as { failed: unknown[] };
    expect(result).toMatchObject({ unavailable: true, domains: 20, rowsTagged: 0, notAsked: 4 });
    expect(result.failed).toHaveLength(16);
    expect(io.err()).toContain(`the DNS resolver 127.0.0.1:${deadPort} did not answer any look-up`);
    expect(io.err()).toContain('4 more domains went unasked');
    expect(io.err()).toContain('health.dns.resolver.servers');
    const after = await tags();
    expect(Array.from({ length: 20 }, (_, i) => after[100 + i])).toEqual(Array(20).fill(null));
  });
});
