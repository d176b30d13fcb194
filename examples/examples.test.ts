/**
 * The examples run as an engineer would run them, on embedded PGlite with the demo audience:
 * the Jun 22 re-send planned, applied (backup table) and reverted exactly; the one-segment build
 * planned and linted within its segment and cap.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemoAudience } from '@mailramp/builder';
import { connect } from '@mailramp/db';
import { createTestDataDir } from '@mailramp/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOneSegment } from './build-one-segment.js';
import { NAME, resendDkimWindow } from './resend-dkim-window.js';

const now = () => new Date('2026-06-22T06:00:00Z');
// The shipped demo config: the footer's sender block (CAN-SPAM) the templates need.
const demo = JSON.parse(readFileSync(new URL('../demo/mailramp.config.json', import.meta.url), 'utf8'));

describe('examples/', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-examples-'));
  const config = {
    database: { dataDir: join(dir, 'data') },
    templates: { dir: new URL('../templates', import.meta.url).pathname },
    build: demo.build,
  };
  const open = { env: { USER: 'justin' }, now, cwd: dir };
  beforeAll(async () => {
    // A migrated data directory from the test run's dump: initdb and the migrations are not what the
    // examples show, and a dump's data directory opens in a third of the time.
    await createTestDataDir(config.database.dataDir);
    const db = connect({ dataDir: config.database.dataDir });
    await seedDemoAudience(db, { carriers: 2000, providers: 0, today: '2026-06-22' });
    await db.destroy();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resend-dkim-window: plan, apply with a backup table, exact revert', async () => {
    const plan = await resendDkimWindow(config, 'plan', open);
    expect('total' in plan && plan.total).toBeGreaterThan(0);
    expect('byOperator' in plan && plan.byOperator.map((o) => o.operator)).not.toContain('google');
    const applied = await resendDkimWindow(config, 'apply', open);
    expect(applied).toMatchObject({ name: NAME, backupTable: `backfill_${NAME}` });
    expect('rows' in applied && applied.rows).toBe('total' in plan && plan.total);
    const reverted = await resendDkimWindow(config, 'revert', open);
    expect(reverted).toMatchObject({ state: 'reverted', resent: [] });
    expect('restored' in reverted && reverted.restored).toBe('total' in plan && plan.total);
  });

  it('build-one-segment: plans and lints one segment within its cap, writing nothing', async () => {
    const { planned, run } = await buildOneSegment(config, { ...open, max: 25 });
    expect(run).toBeUndefined();
    expect(planned.problems).toEqual([]);
    expect(planned.plan.recipients.length).toBeGreaterThan(0);
    expect(planned.plan.recipients.length).toBeLessThanOrEqual(25);
    expect(new Set(planned.plan.campaigns.map((c) => c.segment))).toEqual(new Set(['mcs150']));
  });
});
