import type { Database } from '@mailramp/db';
import type { ListmonkStandIn } from '@mailramp/listmonk/testing';
import { type Kysely, sql } from 'kysely';
import { expect } from 'vitest';

const LIVE = new Set(['scheduled', 'running', 'paused', 'finished']);

/**
 * The promises a build keeps whatever failed when (issue 20): one live campaign per name, no
 * address in two live campaigns of a sending day, no recipient key twice for a one-time segment
 * (a key sharing its address with one mailed earlier takes its own reminder on a later day); and, once a
 * fault-free build has reconciled (`settled`), stamped ⇔ scheduled in Listmonk and on its list,
 * with no ledger row left unfinished. Trucking; stamps from `since` on count.
 */
export async function expectBuildInvariants(
  db: Kysely<Database>,
  standIn: ListmonkStandIn,
  options: { settled: boolean; cycleSegments: ReadonlySet<string>; since: string },
): Promise<void> {
  const ledger = await db
    .selectFrom('send_ledger')
    .select(['recipient_key', 'email', 'segment', 'campaign_name', 'state', 'build_date'])
    .execute();
  // Listmonk keeps one subscriber per address: two keys queued under one address for a day would
  // have one carrier mailed with the other's attributes. (Each build here sends on its own date.)
  const keysOfAddress = new Map<string, Set<string>>();
  for (const r of ledger) {
    if (!['planned', 'imported', 'scheduled'].includes(r.state)) continue;
    const k = `${r.build_date} ${r.email.trim().toLowerCase()}`;
    keysOfAddress.set(k, new Set([...(keysOfAddress.get(k) ?? []), r.recipient_key]));
  }
  expect(
    [...keysOfAddress]
      .filter(([, keys]) => keys.size > 1)
      .map(([k, keys]) => `${k}: ${[...keys].join(', ')}`),
    'one address queued under two keys for one sending day',
  ).toEqual([]);
  const segmentOf = new Map(ledger.map((r) => [r.campaign_name, r.segment]));
  // Who a member of a campaign is: the recipient key the ledger queued under that address. Several
  // keys may share an address (FMCSA), and each may take its own one-time reminder on another day.
  const keyOf = new Map(ledger.map((r) => [`${r.campaign_name} ${r.email.toLowerCase()}`, r.recipient_key]));
  const live = [...standIn.state.campaigns.values()].filter((c) => LIVE.has(c.status));
  const membersOf = (listIds: number[]) =>
    [...standIn.state.subscribers.values()]
      .filter((s) => listIds.some((id) => (s.lists.get(id) ?? 'unsubscribed') !== 'unsubscribed'))
      .map((s) => s.email);
  const names = live.map((c) => c.name);
  expect(new Set(names).size, 'one live campaign per name').toBe(names.length);
  const perDay = new Map<string, string>();
  const perSegment = new Map<string, string>();
  for (const c of live) {
    const day = c.sendAt!.toISOString().slice(0, 10);
    const segment = segmentOf.get(c.name)!;
    for (const email of membersOf(c.listIds)) {
      const k = `${day} ${email.toLowerCase()}`;
      expect(perDay.get(k), `${email} in two live campaigns of ${day}`).toBeUndefined();
      perDay.set(k, c.name);
      if (options.cycleSegments.has(segment)) continue;
      const who = keyOf.get(`${c.name} ${email.toLowerCase()}`) ?? email;
      const s = `${segment} ${who}`;
      expect(perSegment.get(s), `${who} (${email}) twice for one-time segment ${segment}`).toBeUndefined();
      perSegment.set(s, c.name);
    }
  }
  if (!options.settled) return;
  const scheduledRows = new Set(
    ledger.filter((r) => r.state === 'scheduled').map((r) => `${r.campaign_name} ${r.email.toLowerCase()}`),
  );
  const onLiveLists = new Set(live.flatMap((c) => membersOf(c.listIds).map((e) => `${c.name} ${e}`)));
  expect(
    [...scheduledRows].filter((k) => !onLiveLists.has(k)),
    'stamped, not in Listmonk',
  ).toEqual([]);
  expect(
    [...onLiveLists].filter((k) => !scheduledRows.has(k)),
    'in Listmonk, not stamped',
  ).toEqual([]);
  const stamped = await sql<{ key: string }>`
    select dot_number::text as key from fmcsa_carriers
    where listmonk_sent_at >= ${new Date(`${options.since}T00:00:00Z`)}`.execute(db);
  const scheduledKeys = new Set(ledger.filter((r) => r.state === 'scheduled').map((r) => r.recipient_key));
  expect(new Set(stamped.rows.map((r) => r.key))).toEqual(scheduledKeys);
  const open = ledger.filter((r) => ['planned', 'imported', 'failed'].includes(r.state));
  expect(open, 'rows left unfinished after a fault-free build').toEqual([]);
}
