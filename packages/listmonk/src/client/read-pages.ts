import type { z } from 'zod';
import type { ClientCore } from './client-core.js';
import type { Call } from './create-transport.js';
import { pageOf } from './schemas.js';

/** Listmonk's largest page (besides `all`, which we avoid on big tables). */
export const PER_PAGE = 50;

/** One page of a Listmonk list endpoint. */
export interface Page<T> {
  results: T[];
  total: number;
}

/** A reader of page `n` (1-based) of a paged GET, with the items parsed by `item`. */
export function pageReader<T extends z.ZodType>(
  core: ClientCore,
  path: string,
  query: Call<unknown>['query'],
  item: T,
): (n: number) => Promise<Page<z.infer<T>>> {
  const schema = pageOf(item);
  return (n) =>
    core.transport.send({ method: 'GET', path, query: { ...query, page: n, per_page: PER_PAGE }, schema });
}

/**
 * Every item in one request (`per_page=all`): one consistent read, where pages read one after
 * another can skip an item deleted in between. For result sets bounded by the query (a list's
 * subscribers, a chunk of addresses, a name search).
 */
export async function readAll<T extends z.ZodType>(
  core: ClientCore,
  path: string,
  query: Call<unknown>['query'],
  item: T,
): Promise<Array<z.infer<T>>> {
  const page = await core.transport.send({
    method: 'GET',
    path,
    query: { ...query, per_page: 'all' },
    schema: pageOf(item),
  });
  return page.results;
}

/** Every item: page 1 tells the total, the other pages are fetched in parallel (bounded by p-limit). */
export async function readAllPages<T>(core: ClientCore, read: (n: number) => Promise<Page<T>>): Promise<T[]> {
  const first = await read(1);
  const pages = Math.ceil(first.total / PER_PAGE);
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, pages - 1) }, (_, i) => core.limit(() => read(i + 2))),
  );
  return [first, ...rest].flatMap((p) => p.results);
}
