import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { z } from 'zod';
import { ConfigError } from './errors.js';
import { type Config, ConfigSchema } from './schema.js';

/** The config file looked for in the working directory when no path is given. */
export const DEFAULT_CONFIG_FILE = 'mailramp.config.json';

/** Values given on the command line; they win over env and file. */
export interface ConfigFlags {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
}

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Explicit config file (`--config`); must exist. Absent: `mailramp.config.json` in cwd if present. */
  path?: string | undefined;
  /** A config object to read instead of a file (an SDK caller's); `path` is then ignored. */
  value?: Record<string, unknown> | undefined;
  cwd: string;
  /** The environment to read overrides from (the app passes process.env). */
  env: Readonly<Record<string, string | undefined>>;
  flags?: ConfigFlags;
}

/** A loaded configuration and where it came from. */
export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read, or undefined when none was. */
  path: string | undefined;
  /** Which environment variables overrode file values. */
  envOverrides: string[];
}

/**
 * Reads the config file, applies environment overrides and flags, and validates the result with one
 * schema, reporting every problem at once.
 *
 * @example
 * const { config } = await loadConfig({ cwd: process.cwd(), env: process.env });
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const explicit = options.path !== undefined;
  const path = resolve(options.cwd, options.path ?? DEFAULT_CONFIG_FILE);
  const raw =
    options.value === undefined
      ? await readJson(path, explicit)
      : { value: structuredClone(options.value), found: false };
  const envOverrides = applyEnv(raw.value, options.env);
  applyFlags(raw.value, options.flags ?? {});
  return {
    config: parseConfig(
      raw.value,
      `${raw.found ? path : 'configuration'}${envOverrides.length > 0 ? ` with ${envOverrides.join(', ')} from the environment` : ''}`,
    ),
    path: raw.found ? path : undefined,
    envOverrides,
  };
}

/** Validates an already-read configuration object (tests, the service's reload). */
export function parseConfig(value: unknown, where = 'configuration'): Config {
  const result = ConfigSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = formatIssues(result.error.issues);
  throw new ConfigError(
    'INVALID',
    `${where} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    problems,
  );
}

async function readJson(
  path: string,
  mustExist: boolean,
): Promise<{ value: Record<string, unknown>; found: boolean }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !mustExist) return { value: {}, found: false };
    if (code === 'ENOENT') {
      throw new ConfigError('NOT_FOUND', `config file ${path} does not exist; check --config`, [], {
        cause: error,
      });
    }
    throw new ConfigError('UNREADABLE', `cannot read config file ${path}: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
  const value = parseJson(text, path);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError('INVALID', `${path} must hold a JSON object`);
  }
  return { value: value as Record<string, unknown>, found: true };
}

/** What each jsonc-parser error code means, in words. */
const JSON_PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'a quoted key was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: "':' was expected",
  CommaExpected: "',' was expected",
  CloseBraceExpected: "'}' was expected",
  CloseBracketExpected: "']' was expected",
  EndOfFileExpected: 'text after the end of the JSON',
  InvalidCommentToken: 'comments are not allowed',
  UnexpectedEndOfComment: 'comments are not allowed',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'malformed number',
  InvalidUnicode: 'malformed \\u escape',
  InvalidEscapeCharacter: 'malformed escape',
  InvalidCharacter: 'a control character inside a string',
};

/**
 * JSON.parse, with a UTF-8 byte-order mark accepted and a syntax error reported by line and column
 * only: the engine's own message quotes the text around the error, which in a config file can be
 * the start of a token or password.
 */
function parseJson(text: string, path: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch {
    const errors: ParseError[] = [];
    parseTree(body, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    const where =
      first === undefined
        ? ''
        : ` at ${lineColumnOf(body, first.offset)}: ${JSON_PROBLEMS[printParseErrorCode(first.error)] ?? 'syntax error'}`;
    // The engine's error is not kept as the cause: its message quotes the file.
    throw new ConfigError(
      'INVALID',
      `${path} is not valid JSON${where}; fix the file (its content is not shown here: it may hold secrets)`,
    );
  }
}

function lineColumnOf(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function section(root: Record<string, unknown>, key: string): Record<string, unknown> {
  const current = root[key];
  if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
    return current as Record<string, unknown>;
  }
  const fresh: Record<string, unknown> = {};
  root[key] = fresh;
  return fresh;
}

/** Environment variables for secrets and deployment values; each replaces the file's value. */
function applyEnv(root: Record<string, unknown>, env: LoadConfigOptions['env']): string[] {
  const used: string[] = [];
  const value = (name: string): string | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    used.push(name);
    return v;
  };
  const databaseUrl = value('DATABASE_URL');
  if (databaseUrl !== undefined) section(root, 'database').url = databaseUrl;
  const dataDir = value('MAILRAMP_DATA_DIR');
  if (dataDir !== undefined) section(root, 'database').dataDir = dataDir;
  const serviceToken = value('MAILRAMP_SERVICE_TOKEN');
  if (serviceToken !== undefined) section(root, 'service').token = serviceToken;

  const webhook = value('MAILRAMP_GUARD_WEBHOOK_URL');
  if (webhook !== undefined) section(section(section(root, 'guard'), 'notify'), 'webhook').url = webhook;

  const named = Object.keys(env).filter((name) => env[name] !== undefined && env[name] !== '');
  applyListmonkEnv(section(section(root, 'listmonk'), 'instances'), value, named);

  // As in the runbook's builder: when set, MAIN_EXCLUDE_OPERATORS REPLACES the default set. Set
  // but empty is unset, like every other variable (a compose file passes the variable empty when the
  // host does not set it): releasing every held operator takes the explicit word `none`.
  const ids = (env.MAIN_EXCLUDE_OPERATORS ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (ids.length > 0) {
    used.push('MAIN_EXCLUDE_OPERATORS');
    section(root, 'build').excludeOperators = ids.length === 1 && ids[0] === 'none' ? [] : ids;
  }
  return used;
}

/** The environment name of an instance's variables: `LISTMONK_<INSTANCE>_URL`, upper-cased, `-` as `_`. */
export function listmonkEnvName(instance: string, key: 'URL' | 'USERNAME' | 'TOKEN'): string {
  return `LISTMONK_${instance.toUpperCase().replace(/-/g, '_')}_${key}`;
}

/** The instance the unprefixed `LISTMONK_*` variables define when the file names none. */
export const ENV_LISTMONK_INSTANCE = 'default';

const PREFIXED = /^LISTMONK_([A-Z][A-Z0-9_]*)_(URL|USERNAME|TOKEN)$/;
/** Variables of that shape that are no instance's: `listmonk links-repair` reads Listmonk's database URL. */
const NOT_INSTANCE_VARIABLES = new Set(['LISTMONK_DATABASE_URL']);

/**
 * `LISTMONK_URL`/`_USERNAME`/`_TOKEN` name one server: the only instance of the file, or, with none,
 * the instance every vertical uses. With several instances each has its own
 * `LISTMONK_<INSTANCE>_…` variables, and the unprefixed ones are refused: which instance they meant
 * cannot be guessed. A prefixed variable (set, not empty) for an instance the file does not name is a
 * typo or a stale name, refused rather than ignored: the instance it meant would run without it.
 */
function applyListmonkEnv(
  instances: Record<string, unknown>,
  value: (name: string) => string | undefined,
  envNames: readonly string[],
): void {
  const keys = [
    ['URL', 'url'],
    ['USERNAME', 'username'],
    ['TOKEN', 'token'],
  ] as const;
  const names = Object.keys(instances);
  const known = new Set(names.map((name) => listmonkEnvName(name, 'URL')));
  const stray = envNames.filter((name) => {
    const m = PREFIXED.exec(name);
    return m !== null && !known.has(`LISTMONK_${m[1]}_URL`) && !NOT_INSTANCE_VARIABLES.has(name);
  });
  if (stray.length > 0) {
    const wanted = [
      ...new Set(stray.map((name) => PREFIXED.exec(name)?.[2] as 'URL' | 'USERNAME' | 'TOKEN')),
    ];
    const which = `${stray.join(', ')} name${stray.length === 1 ? 's' : ''} no Listmonk instance of the config`;
    throw new ConfigError(
      'INVALID',
      names.length === 0
        ? `${which} (none in the file); set ${wanted.map((k) => `LISTMONK_${k}`).join(' / ')} instead, or name the instance in listmonk.instances`
        : `${which} (${names.join(', ')}); set ${wanted.flatMap((k) => names.map((n) => listmonkEnvName(n, k))).join(' or ')} instead`,
    );
  }
  for (const name of names) {
    for (const [key, field] of keys) {
      const v = value(listmonkEnvName(name, key));
      if (v !== undefined) section(instances, name)[field] = v;
    }
  }
  const unprefixed = keys
    .map(([key, field]) => ({ key, field, v: value(`LISTMONK_${key}`) }))
    .filter((u) => u.v !== undefined);
  if (unprefixed.length === 0) return;
  if (names.length > 1) {
    const set = unprefixed.map((u) => `LISTMONK_${u.key}`);
    const instead = unprefixed.flatMap((u) => names.map((n) => listmonkEnvName(n, u.key)));
    throw new ConfigError(
      'INVALID',
      `${set.join(', ')} cannot say which of the ${names.length} Listmonk instances (${names.join(', ')}) ${set.length === 1 ? 'it is' : 'they are'} for; set ${instead.join(', ')} instead`,
    );
  }
  const instance = section(instances, names[0] ?? ENV_LISTMONK_INSTANCE);
  for (const u of unprefixed) instance[u.field] = u.v;
}

function applyFlags(root: Record<string, unknown>, flags: ConfigFlags): void {
  if (flags.databaseUrl !== undefined) section(root, 'database').url = flags.databaseUrl;
  if (flags.dataDir !== undefined) section(root, 'database').dataDir = flags.dataDir;
}

function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `${path}: ${issue.message}`;
  });
}

/**
 * Where an instance's credentials come from, for messages: its variables (the unprefixed ones when it
 * is the only instance, its own `LISTMONK_<INSTANCE>_…` otherwise) and its config keys.
 */
function credentialSources(
  config: Config,
  name: string,
  keys: ReadonlyArray<'USERNAME' | 'TOKEN'>,
): { variables: string; configKeys: string } {
  const only = Object.keys(config.listmonk.instances).length === 1;
  const variables = keys.map((k) => (only ? `LISTMONK_${k}` : listmonkEnvName(name, k))).join(' / ');
  const fields = keys.map((k) => k.toLowerCase());
  const configKeys = `listmonk.instances.${name}.${fields[0]}${fields.length > 1 ? ` / .${fields.slice(1).join(' / .')}` : ''}`;
  return { variables, configKeys };
}

/**
 * What is missing of an instance's credentials, or undefined when it has both: every auth mode sends
 * the API user and token (v4+ `token user:token`, v2/v3 HTTP Basic), in the URL (`user:token@`) or not.
 */
export function listmonkCredentialProblem(config: Config, name: string): string | undefined {
  const instance = config.listmonk.instances[name];
  if (instance === undefined) return undefined;
  // Validated by the schema (z.url()).
  const url = new URL(instance.url);
  const missing = (
    [
      ['USERNAME', instance.username ?? url.username],
      ['TOKEN', instance.token ?? url.password],
    ] as const
  )
    .filter(([, v]) => v === undefined || v === '')
    .map(([k]) => k);
  if (missing.length === 0) return undefined;
  const { variables, configKeys } = credentialSources(config, name, missing);
  return `listmonk.instances.${name} has no ${missing.map((k) => k.toLowerCase()).join(' or ')}: set ${variables} (set but empty counts as unset) or ${configKeys}`;
}

/** {@link listmonkCredentialProblem} of every instance. */
export function listmonkCredentialProblems(config: Config): string[] {
  return Object.keys(config.listmonk.instances).flatMap(
    (name) => listmonkCredentialProblem(config, name) ?? [],
  );
}

/** What to check when Listmonk refuses an instance's login: its credentials, missing or where they are set. */
export function listmonkAuthHint(config: Config, name: string): string {
  const missing = listmonkCredentialProblem(config, name);
  if (missing !== undefined) return missing;
  const { variables, configKeys } = credentialSources(config, name, ['USERNAME', 'TOKEN']);
  return `check the API user and token of ${name} (${variables}, or ${configKeys}) and its permissions`;
}
