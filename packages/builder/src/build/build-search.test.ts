import { createTestDatabase, type TestDatabase, testEngines } from '@mailramp/db/testing';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { ZONE_GROUPS } from '../schedule/time-zones.js';
import { DEFAULT_SEGMENTS, VERTICALS } from '../segments/default-segments.js';
import { campaignNameOf } from './plan-build.js';
import { buildSearchOf, importListName } from './push-campaigns.js';

// The push finds a date's campaigns and lists by ONE search (issue 18): a campaign Listmonk has
// but the search misses would be created twice (issue 20). Listmonk's search is PostgreSQL's, so
// it is checked on PostgreSQL with Listmonk's own predicates (query-campaigns, query-lists, every
// version since v2.3: full text; v4+ campaigns also ILIKE), for every name the build can make.
describe.each(testEngines())(
  "one search finds every campaign and list name of a date on %s (Listmonk's predicates)",
  (engine) => {
    let t: TestDatabase | undefined;
    afterEach(async () => {
      await t?.destroy();
      t = undefined;
    });

    it('every shipped segment × zone × batch, both verticals, a date in each month', async () => {
      t = await createTestDatabase({ engine });
      const names: Array<{ name: string; search: string; other: string }> = [];
      for (const vertical of VERTICALS) {
        for (let month = 1; month <= 12; month += 1) {
          const date = `2026-${String(month).padStart(2, '0')}-${String(month * 2).padStart(2, '0')}`;
          const next = `2026-${String(month).padStart(2, '0')}-${String(month * 2 + 1).padStart(2, '0')}`;
          for (const segment of [...Object.keys(DEFAULT_SEGMENTS[vertical]), 'custom_2', '5star']) {
            for (const zone of Object.keys(ZONE_GROUPS)) {
              for (const batch of [1, 2, 10]) {
                names.push({
                  name: campaignNameOf(vertical, date, segment, zone, batch),
                  search: buildSearchOf(vertical, date),
                  other: buildSearchOf(vertical, next),
                });
              }
            }
          }
        }
      }
      const search = (s: string) => `%${s.trim().replace(/\s+/g, '&')}%`;
      const rows = await sql<{
        name: string;
        campaign: boolean;
        list: boolean;
        ilike: boolean;
        other: boolean;
      }>`
      select n.name,
        to_tsvector(concat(n.name, ' ', 'Your {{ .Subscriber.Attribs.legal_name }} filing')) @@ to_tsquery(n.search) as campaign,
        to_tsvector(n.name) @@ to_tsquery(n.search) as list,
        concat(n.name, ' ', 'subject') ilike n.search as ilike,
        to_tsvector(n.name) @@ to_tsquery(n.other) or n.name ilike n.other as other
      from jsonb_to_recordset(${JSON.stringify(
        names.map((n) => ({ name: n.name, search: search(n.search), other: search(n.other) })),
      )}::jsonb) as n(name text, search text, other text)`.execute(t.db);
      expect(rows.rows).toHaveLength(names.length);
      expect(rows.rows.filter((r) => !r.campaign || !r.list || !r.ilike).map((r) => r.name)).toEqual([]);
      // The next day's search finds none of them (exact names are filtered anyway; this keeps it small).
      expect(rows.rows.filter((r) => r.other).map((r) => r.name)).toEqual([]);
      // Every campaign name contains the search as a substring (the port checks it too).
      expect(names.filter((n) => !n.name.includes(n.search))).toEqual([]);
      expect(importListName('trucking', '2026-06-22').includes(buildSearchOf('trucking', '2026-06-22'))).toBe(
        false,
      );
    });
  },
);
