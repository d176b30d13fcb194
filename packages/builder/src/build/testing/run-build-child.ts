/**
 * One trucking build in a process of its own, for tests that kill it (SIGKILL) at a random moment:
 * `node --import tsx run-build-child.ts '{"databaseUrl":…,"listmonkUrl":…,"username":…,"token":…,"date":…}'`,
 * or `node` on its bundle (bundleTestChild from @mailramp/db/testing).
 * The same rules, caps and renderer as the fault-injection property test.
 */
import { connect } from '@mailramp/db';
import { createDomainFamilies } from '@mailramp/mailbox';
import { createListmonkPort } from '../../push/create-listmonk-port.js';
import type { CampaignRenderer } from '../../push/listmonk-port.js';
import { resolveBuildRules } from '../resolve-build-rules.js';
import { runBuild } from '../run-build.js';
import { createFaultClient } from './seeded-fault-audience.js';

/** What the parent passes as the one argument (JSON). */
export interface BuildChildArgs {
  databaseUrl: string;
  listmonkUrl: string;
  username: string;
  token: string;
  date: string;
}

/** A fixed render: the test is about the ledger and Listmonk, not the templates. */
export const FIXED_RENDERER: CampaignRenderer = {
  renderCampaign: async (c) => ({
    subject: c.segment,
    body: '<p>{{ .Subscriber.Name }} <a href="{{ UnsubscribeURL }}">unsubscribe</a></p>',
    altbody: '{{ .Subscriber.Name }} {{ UnsubscribeURL }}',
    lintErrors: [],
  }),
};

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const args = JSON.parse(process.argv[2] ?? '{}') as BuildChildArgs;
  const now = () => new Date(`${args.date}T06:00:00Z`);
  const db = connect({ url: args.databaseUrl });
  const client = createFaultClient(
    { url: args.listmonkUrl, username: args.username, token: args.token },
    now,
  );
  try {
    const result = await runBuild(
      db,
      resolveBuildRules('trucking', {}, createDomainFamilies()),
      { vertical: 'trucking', date: args.date, warmupDay: 12, maxPerSegment: 3, nextSlot: true, now },
      { listmonk: createListmonkPort(client), renderer: FIXED_RENDERER },
    );
    process.stdout.write(`${result.status}\n`);
  } finally {
    await db.destroy();
  }
}
