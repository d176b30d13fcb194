/**
 * The SDK's gate (issue 24 §1) on a real database: the guard's open incident of a stream refuses
 * that stream's build (read from `incidents`, migration 0806) and a resolved one does not; a dry run
 * shows the verdict; `force` needs a reason.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabaseSection } from '@mailramp/db/testing';
import { createRecordingRunner, oneIpStream } from '@mailramp/ops/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailrampError } from '../errors.js';
import { type Mailramp, openMailramp } from '../index.js';

const now = () => new Date('2026-06-22T06:00:00Z');
const demo = JSON.parse(
  readFileSync(new URL('../../../../demo/mailramp.config.json', import.meta.url), 'utf8'),
);

describe('the build’s pre-flight gate in the SDK', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-sdk-gate-'));
  let mailramp: Mailramp;
  let destroy = async () => {};
  beforeAll(async () => {
    const section = await createTestDatabaseSection(join(dir, 'data'));
    destroy = section.destroy;
    const database = section.database;
    mailramp = await openMailramp(
      {
        database,
        templates: { dir: new URL('../../../../templates', import.meta.url).pathname },
        build: demo.build,
        warmup: {
          streams: {
            trucking: oneIpStream({ start: '2026-06-20' }),
            healthcare: {
              start: '2026-06-20',
              ips: [
                {
                  address: '203.0.113.20',
                  prefix: 24,
                  interface: 'eth0',
                  transport: 'hc01',
                  helo: 'hc01.example.net',
                },
              ],
              postfix: { configDir: '/etc/postfix-hc' },
            },
          },
        },
      },
      {
        env: {},
        cwd: dir,
        now,
        runner: createRecordingRunner(() => ({
          stdout: JSON.stringify([
            {
              ifindex: 2,
              ifname: 'eth0',
              addr_info: ['203.0.113.10', '203.0.113.20'].map((local) => ({
                family: 'inet',
                local,
                prefixlen: 24,
                label: 'eth0',
              })),
            },
          ]),
        })),
      },
    );
    await mailramp.database.seedDemo({ carriers: 100, providers: 0 });
  });
  afterAll(async () => {
    await mailramp?.close();
    await destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an open guard incident of the stream fails the gate (a dry run shows it); another stream’s or a resolved one does not', async () => {
    const db = await mailramp.db();
    expect((await mailramp.build.plan({ vertical: 'trucking' })).gate.ok).toBe(true);

    const evidence = {
      alarms: [{ id: 3, alarm: 'gmail_unsolicited', scope: '', message: 'Gmail 550-5.7.1' }],
    };
    await db
      .insertInto('incidents')
      .values({ stream: 'healthcare', evidence, opened_at: now(), updated_at: now() })
      .execute();
    expect((await mailramp.build.plan({ vertical: 'trucking' })).gate.ok).toBe(true);

    const { id } = await db
      .insertInto('incidents')
      .values({ stream: 'trucking', evidence, opened_at: now(), updated_at: now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { gate } = await mailramp.build.plan({ vertical: 'trucking' });
    expect(gate.ok).toBe(false);
    const alarms = gate.checks.find((c) => c.id === 'alarms')!;
    expect(alarms.status).toBe('fail');
    expect(alarms.message).toContain(`open guard incident ${id}: stopped by the guard on gmail_unsolicited`);
    expect(alarms.message).toContain(`mailramp guard resume ${id}`);

    await db
      .updateTable('incidents')
      .set({ status: 'resolved', resolved_at: now() })
      .where('id', '=', id)
      .execute();
    expect((await mailramp.build.plan({ vertical: 'trucking' })).gate.ok).toBe(true);
  });

  it('force needs a reason', async () => {
    const error = await mailramp.build
      .run({ vertical: 'trucking', force: { by: 'alice', reason: '  ' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailrampError);
    expect((error as MailrampError).code).toBe('INVALID_INPUT');
  });
});
