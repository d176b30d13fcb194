/**
 * Runbook incident, Jun 22: the trucking deficiency CTAs carried `@TrackLink` on a per-subscriber
 * href (`{{ .Subscriber.Attribs.lp_link }}&utm_source=…@TrackLink`). Listmonk registers one static
 * URL per tracked link, so every carrier's order button pointed at one `links` row — registered
 * with the lp_link token dropped, `/order/boc3-filing&utm_source=…` (a `&` and no `?`): a 404 for
 * everyone. Replayed end to end: the shipped templates with the incident's href put back into the
 * CTA partial, the template lint and the live build of the SDK on a real database against the
 * Listmonk stand-in, then links repair on a PostgreSQL database holding Listmonk's own `links` and
 * `link_clicks` tables (Listmonk's DDL) with the ten broken rows the runbook repaired by hand.
 *
 * Time to detection: 0 report cycles (the lint and the build refuse the template before Listmonk).
 * After the refusal no campaign, list or subscriber reached Listmonk; the repair rewrites exactly
 * the broken rows and its revert restores the table byte for byte.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LIVE_TRUCKING_VERTICAL,
  SHIPPED_TEMPLATES_DIR,
} from '../../apps/cli/src/commands/fixtures/write-live-build-config.js';
import { BuilderError, type ListmonkDatabase } from '../../packages/builder/src/index.js';
import { execScript } from '../../packages/db/src/index.js';
import { createTestDatabase, createTestDataDir } from '../../packages/db/src/testing/index.js';
import { createListmonkStandIn, type ListmonkStandIn } from '../../packages/listmonk/src/testing/index.js';
import { type Mailramp, openMailramp } from '../../packages/mailramp/src/index.js';
import { createRecordingRunner } from '../../packages/ops/src/testing/index.js';

// The incident's CTA: the per-carrier order link, tracked. The shipped partial has the same href
// without the marker (a direct link; web analytics count the clicks).
const SHIPPED_CTA =
  '{{ .Subscriber.Attribs.lp_link | Safe }}&amp;utm_source=listmonk&amp;utm_medium=email&amp;utm_campaign={{ @utm_campaign }}';
const INCIDENT_CTA = `${SHIPPED_CTA}@TrackLink`;

// Listmonk's own DDL for the tables links repair meets (schema.sql, v2–v6).
const LISTMONK_LINKS_DDL = [
  `create table links (
    id serial primary key,
    uuid uuid not null unique,
    url text not null unique,
    created_at timestamp with time zone not null default now())`,
  `create table link_clicks (
    id bigserial primary key,
    campaign_id integer null,
    link_id integer not null references links(id) on delete cascade on update cascade,
    subscriber_id integer null,
    created_at timestamp with time zone not null default now())`,
];
// The ten rows the runbook rewrote: five deficiency slugs × (order button, DOT-check link), each
// registered with the per-carrier part dropped; and the static services link, which tracks fine.
const SLUGS = ['boc3-filing', 'mcs150-update', 'ucr-registration', 'usdot-reactivation', 'insurance-filing'];
const BROKEN = SLUGS.flatMap((slug) => [
  `https://performancewest.net/order/${slug}&utm_source=listmonk&utm_medium=email&utm_campaign=deficiency_${slug}`,
  `https://performancewest.net/tools/dot-check&utm_source=listmonk&utm_medium=email&utm_campaign=deficiency_${slug}`,
]);
const STATIC =
  'https://performancewest.net/services?utm_source=listmonk&utm_medium=email&utm_campaign=deficiency';

describe('Jun 22: @TrackLink on per-subscriber links', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-jun22-tracklink-'));
  const templates = join(dir, 'templates');
  const clock = new Date('2026-06-22T06:00:00Z');
  let lm: ListmonkStandIn;
  let mailramp: Mailramp;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    cpSync(SHIPPED_TEMPLATES_DIR, templates, { recursive: true });
    const cta = join(templates, 'partials', 'cta.html');
    const shipped = readFileSync(cta, 'utf8');
    expect(shipped).toContain(`href="${SHIPPED_CTA}"`);
    writeFileSync(cta, shipped.replace(`href="${SHIPPED_CTA}"`, `href="${INCIDENT_CTA}"`));

    lm = await createListmonkStandIn({ version: 6, now: () => clock });
    let database: { url: string } | { dataDir: string };
    if (process.env.TEST_DATABASE_URL) {
      const t = await createTestDatabase({ engine: 'postgres' });
      database = { url: t.url! };
      cleanups.push(() => t.destroy());
    } else {
      await createTestDataDir(join(dir, 'data'));
      database = { dataDir: join(dir, 'data') };
    }
    mailramp = await openMailramp(
      {
        database,
        listmonk: { instances: { trucking: { url: lm.url, username: lm.username, token: lm.token } } },
        templates: { dir: templates },
        build: { verticals: { trucking: LIVE_TRUCKING_VERTICAL } },
      },
      { env: {}, cwd: dir, now: () => clock, runner: createRecordingRunner() },
    );
    await mailramp.database.seedDemo({ carriers: 400, providers: 0 });
  });

  afterAll(async () => {
    await mailramp?.close();
    for (const c of cleanups) await c();
    await lm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the lint refuses the template: the shipped one passes, the incident one fails on the CTA', async () => {
    const shipped = await mailramp.templates.lint([], { templatesDir: SHIPPED_TEMPLATES_DIR });
    expect(shipped.findings.filter((f) => f.severity === 'error')).toEqual([]);

    const { findings } = await mailramp.templates.lint();
    const errors = findings.filter((f) => f.severity === 'error');
    // The partial, and every template that includes it (the deficiency CTA of the incident among them).
    expect(new Set(errors.map((f) => f.rule))).toEqual(
      new Set(['tracked-link-dynamic', 'tracked-link-entity']),
    );
    const dynamic = errors.filter((f) => f.rule === 'tracked-link-dynamic').map((f) => f.file);
    expect(dynamic).toContain('templates/partials/cta.html');
    expect(dynamic).toContain('templates/trucking/deficiency-order.html');
    expect(dynamic).toContain('templates/healthcare/npi-reactivation.html');
    const cta = errors.find(
      (f) => f.rule === 'tracked-link-dynamic' && f.file === 'templates/partials/cta.html',
    )!;
    expect(cta.line).toBe(1);
    expect(cta.message).toContain('@TrackLink registers one static URL for every recipient');
    expect(cta.message).toContain('Jun 22 incident');
    expect(cta.message).toContain('write a direct href');
  });

  it('the live build refuses the campaign before anything reaches Listmonk', async () => {
    const error = await mailramp.build.run({ vertical: 'trucking', warmupDay: 12 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuilderError);
    expect((error as BuilderError).code).toBe('TEMPLATE_LINT_FAILED');
    expect((error as BuilderError).message).toContain('nothing was pushed');
    expect((error as BuilderError).message).toContain('tracked-link-dynamic');
    expect(lm.state.campaigns.size).toBe(0);
    expect(lm.state.lists.size).toBe(0);
    expect(lm.state.subscribers.size).toBe(0);
    expect(lm.state.links.size).toBe(0);
    const db = await mailramp.db();
    expect(await db.selectFrom('send_ledger').select('id').execute()).toEqual([]);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    "links repair fixes the already-registered rows in Listmonk's database, and reverts them exactly",
    async () => {
      const listmonkDb = await createTestDatabase({ engine: 'postgres', migrate: false });
      cleanups.push(() => listmonkDb.destroy());
      const script = async (text: string) =>
        listmonkDb.db.connection().execute((conn) => execScript(listmonkDb.db, conn, text));
      await script(LISTMONK_LINKS_DDL.join(';\n'));
      // Registered at the first send; each baked /link/<uuid> redirect has clicks counted on it.
      await script(
        [...BROKEN, STATIC]
          .map(
            (url, i) =>
              `insert into links (id, uuid, url, created_at) values (${i + 1}, '00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}', '${url}', '2026-06-22T13:05:00.12345${i % 10}Z');
               insert into link_clicks (campaign_id, link_id, subscriber_id) select 300, ${i + 1}, s from generate_series(1, 3) s`,
          )
          .join(';\n'),
      );
      const links = listmonkDb.db as unknown as ListmonkDatabase;
      const rows = () => links.selectFrom('links').selectAll().orderBy('id').execute();
      const before = await rows();
      expect(before).toHaveLength(11);

      const plan = await mailramp.links.plan(listmonkDb.url!);
      expect(plan.repairs.map((r) => r.url)).toEqual(BROKEN);
      expect(plan.collisions).toEqual([]);
      expect(plan.existingRepairs).toEqual([]);
      expect(await rows()).toEqual(before);

      const applied = await mailramp.links.apply(listmonkDb.url!, { name: 'tracklink_20260622' });
      expect(applied.repairs).toHaveLength(10);
      const now = await rows();
      // Each baked redirect now resolves: a valid URL whose query starts at `?utm_source=`.
      expect(now.slice(0, 10).map((r) => new URL(r.url).search.startsWith('?utm_source='))).toEqual(
        Array(10).fill(true),
      );
      // Same ids and uuids (the links already in inboxes), only the URL changed.
      expect(now.map((r) => r.uuid)).toEqual(before.map((r) => r.uuid));
      expect(now.map((r) => r.url)).toEqual([...BROKEN.map((u) => u.replace('&', '?')), STATIC]);
      expect((await mailramp.links.plan(listmonkDb.url!)).repairs).toEqual([]);

      const reverted = await mailramp.links.revert(listmonkDb.url!, { name: 'tracklink_20260622' });
      expect(reverted).toMatchObject({ restored: 10, alreadyRestored: 0, skipped: [] });
      expect(await rows()).toEqual(before);
    },
  );
});
