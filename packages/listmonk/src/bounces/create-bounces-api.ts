import type { ClientCore } from '../client/client-core.js';
import { type Bounce, BounceSchema, pageOf } from '../client/schemas.js';

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

const PER_PAGE = 50;
const BouncePage = pageOf(BounceSchema);

/** Creates the bounce methods. */
export function createBouncesApi(core: ClientCore): BouncesApi {
  return {
    async listBounces(filter = {}) {
      await core.server();
      const page = (n: number) =>
        core.transport.send({
          method: 'GET',
          path: '/api/bounces',
          query: {
            campaign_id: filter.campaignId,
            source: filter.source,
            order_by: 'created_at',
            order: 'desc',
            page: n,
            per_page: PER_PAGE,
          },
          schema: BouncePage,
        });
      const first = await page(1);
      const pages = Math.ceil(first.total / PER_PAGE);
      const since = filter.since?.getTime();
      if (since === undefined) {
        const rest = await Promise.all(
          Array.from({ length: Math.max(0, pages - 1) }, (_, i) => core.limit(() => page(i + 2))),
        );
        return [first, ...rest].flatMap((p) => p.results);
      }
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
