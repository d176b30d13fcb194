import { connect } from '@mailramp/db';
import { createTestDatabase } from '@mailramp/db/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf, messageOf } from './exit-codes.js';

// pg_terminate_backend needs a server: PGlite is one session in this process.
describe.skipIf(!process.env.TEST_DATABASE_URL)('a lost database connection in the CLI (issue #20)', () => {
  it('is exit 3 with a message naming the command and saying a re-run resumes', async () => {
    const t = await createTestDatabase({ engine: 'postgres', migrate: false });
    const db = connect({ url: t.url as string, poolSize: 1 });
    const admin = connect({ url: t.url as string, poolSize: 1 });
    try {
      const running = sql`select pg_sleep(30)`.execute(db).catch((e: unknown) => e);
      for (let i = 0; i < 200; i++) {
        const { rows } = await sql<{ n: number }>`
          select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and query like '%pg_sleep%'`.execute(
          admin,
        );
        if ((rows[0]?.n ?? 0) > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const error = await running;
      expect(exitCodeOf(error)).toBe(EXIT.UNAVAILABLE);
      const message = messageOf(error, 'build');
      expect(message).toContain('the database connection was lost during `mailramp build`');
      expect(message).toContain('re-run the same command to resume');
    } finally {
      await db.destroy();
      await admin.destroy();
      await t.destroy();
    }
  });
});
