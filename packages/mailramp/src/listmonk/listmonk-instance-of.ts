import { type Config, ENV_LISTMONK_INSTANCE } from '@mailramp/config';

/**
 * The Listmonk instance a vertical sends through: `build.verticals.<v>.listmonkInstance`, else the
 * instance named after the vertical, else — when the only instance is the one `LISTMONK_URL`
 * defines — that one: with no `listmonk.instances`, every vertical uses it.
 */
export function listmonkInstanceOf(config: Config, vertical: string): string {
  const named = config.build.verticals?.[vertical as keyof typeof config.build.verticals]?.listmonkInstance;
  if (named !== undefined) return named;
  const names = Object.keys(config.listmonk.instances);
  if (names.includes(vertical)) return vertical;
  return names.length === 1 && names[0] === ENV_LISTMONK_INSTANCE ? ENV_LISTMONK_INSTANCE : vertical;
}
