import type { ClientCore } from '../client/client-core.js';
import { PER_PAGE, pageReader, readAllPages } from '../client/read-pages.js';
import { type Bounce, BounceSchema } from '../client/schemas.js';

/** Which bounces to list. */
export interface BounceFilter {
  campaignId?: number;
  /** Listmonk's bounce source (`api`, `pop`, `webhook`, `sendgrid`…). */
  source?: string;
  /** Only bounces recorded at or after this instant (read newest first, stopping at the first older one). */
  since?: Date;
}

/** The bounce methods of the client. */
export interface BouncesApi {
  /** Bounce records (`GET /api/bounces`), newest first. */
  listBounces(filter?: BounceFilter): Promise<Bounce[]>;
}

/** Creates the bounce methods. */
export function createBouncesApi(core: ClientCore): BouncesApi {
  return {
    async listBounces(filter = {}) {
      await core.server();
      const query = {
        campaign_id: filter.campaignId,
        source: filter.source,
        order_by: 'created_at',
        order: 'desc',
      };
      const page = pageReader(core, '/api/bounces', query, BounceSchema);
      const since = filter.since?.getTime();
      if (since === undefined) return readAllPages(core, page);
      const first = await page(1);
      const pages = Math.ceil(first.total / PER_PAGE);
      // Newest first: read pages in order and stop at the first bounce older than `since`.
      const out: Bounce[] = [];
      let current = first;
      for (let n = 1; ; n += 1) {
        for (const bounce of current.results) {
          if (new Date(bounce.created_at).getTime() < since) return out;
          out.push(bounce);
        }
        if (n >= pages) return out;
        current = await page(n + 1);
      }
    },
  };
}
