import type { z } from 'zod';
import { ServiceError } from '../errors.js';

/** Parses a request's query, params or body with `schema`; every problem at once in a 400 otherwise. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : what}: ${issue.message}`,
  );
  throw new ServiceError('INVALID_INPUT', `bad ${what}: ${problems.join('; ')}`);
}
