/**
 * The jobs with each method's driver error "relation … does not exist" (SQLSTATE 42P01) replaced by
 * the coded DbError NOT_MIGRATED that says how to migrate, the driver's error kept as its cause. An
 * error made here also keeps Node from printing the driver's minified source line when uncaught.
 * Only for jobs on mailramp's own database: a table missing elsewhere (Listmonk's) means another thing.
 *
 * @example
 * const build = reportingNotMigrated(createBuildJobs(session));
 */
export function reportingNotMigrated<T extends object>(jobs: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(jobs)) {
    wrapped[name] =
      typeof member === 'function'
        ? (...args: unknown[]) => {
            const result: unknown = member.apply(jobs, args);
            return result instanceof Promise ? result.catch(rethrowNotMigrated) : result;
          }
        : member;
  }
  return wrapped as T;
}

async function rethrowNotMigrated(error: unknown): Promise<never> {
  const { DbError, SQLSTATE, sqlStateOf } = await import('@mailramp/db');
  if (sqlStateOf(error) !== SQLSTATE.UNDEFINED_TABLE) throw error;
  throw new DbError(
    'NOT_MIGRATED',
    `the database is not migrated (${(error as Error).message}): run \`mailramp db migrate\` (SDK: mailramp.database.migrate()) first`,
    { cause: error },
  );
}
