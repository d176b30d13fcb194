import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import {
  ENV_LISTMONK_INSTANCE,
  listmonkCredentialProblems,
  listmonkEnvName,
  loadConfig,
  parseConfig,
} from './load-config.js';
import { redactConfig } from './redact-config.js';
import { configJsonSchema } from './schema.js';

function dirWith(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailramp-config-'));
  writeFileSync(
    join(dir, 'mailramp.config.json'),
    typeof config === 'string' ? config : JSON.stringify(config),
  );
  return dir;
}

describe('loadConfig', () => {
  it('uses defaults when there is no file in the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-config-'));
    const { config, path } = await loadConfig({ cwd: dir, env: {} });
    expect(path).toBeUndefined();
    expect(config.database).toEqual({ dataDir: '.mailramp/data' });
    expect(config.listmonk.instances).toEqual({});
  });

  it('refuses an explicit --config that does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-config-'));
    await expect(loadConfig({ cwd: dir, env: {}, path: 'nope.json' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('reports every problem at once, unknown keys included', async () => {
    const dir = dirWith({
      databse: {},
      database: { url: 'mysql://x' },
      listmonk: { instances: { Bad: { url: 'x' } } },
    });
    const error = (await loadConfig({ cwd: dir, env: {} }).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('INVALID');
    expect(error.problems).toEqual(
      expect.arrayContaining([
        '(root): unknown key "databse"',
        'database.url: must be a postgres:// URL',
        expect.stringMatching(/^listmonk\.instances\.Bad/),
      ]),
    );
    expect(error.problems.length).toBeGreaterThanOrEqual(3);
  });

  it('says where broken JSON is', async () => {
    const dir = dirWith('{ "database": ');
    await expect(loadConfig({ cwd: dir, env: {} })).rejects.toMatchObject({ code: 'INVALID' });
  });

  it('lets env override the file, and flags override env', async () => {
    const dir = dirWith({
      database: { url: 'postgres://file/db' },
      listmonk: { instances: { trucking: { url: 'http://file:9000', username: 'api', token: 'file' } } },
    });
    const env = {
      DATABASE_URL: 'postgres://env/db',
      LISTMONK_TOKEN: 'from-env',
      MAIN_EXCLUDE_OPERATORS: 'Google, ',
    };
    const loaded = await loadConfig({ cwd: dir, env });
    expect(loaded.config.database.url).toBe('postgres://env/db');
    expect(loaded.config.listmonk.instances.trucking?.token).toBe('from-env');
    expect(loaded.config.build.excludeOperators).toEqual(['google']);
    expect(loaded.envOverrides).toEqual(['DATABASE_URL', 'LISTMONK_TOKEN', 'MAIN_EXCLUDE_OPERATORS']);
    const flagged = await loadConfig({ cwd: dir, env, flags: { databaseUrl: 'postgres://flag/db' } });
    expect(flagged.config.database.url).toBe('postgres://flag/db');
  });

  it('an empty MAIN_EXCLUDE_OPERATORS is unset: the file or the default set still holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-config-'));
    const unset = await loadConfig({ cwd: dir, env: { MAIN_EXCLUDE_OPERATORS: '' } });
    expect(unset.config.build.excludeOperators).toBeUndefined();
    expect(unset.envOverrides).toEqual([]);
    const file = dirWith({ build: { excludeOperators: ['google', 'yahoo'] } });
    const kept = await loadConfig({ cwd: file, env: { MAIN_EXCLUDE_OPERATORS: ' , ' } });
    expect(kept.config.build.excludeOperators).toEqual(['google', 'yahoo']);
    const none = await loadConfig({ cwd: file, env: { MAIN_EXCLUDE_OPERATORS: 'none' } });
    expect(none.config.build.excludeOperators).toEqual([]);
  });

  it('refuses an unknown operator id, listing the known ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-config-'));
    const error = await loadConfig({ cwd: dir, env: { MAIN_EXCLUDE_OPERATORS: 'google,msft' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /build\.excludeOperators\.1: unknown operator "msft" .*known operators: google, microsoft, yahoo/,
    );
    // A file that holds no such value is not blamed for the environment's.
    const fileDir = dirWith({ build: {} });
    const fromEnv = await loadConfig({ cwd: fileDir, env: { MAIN_EXCLUDE_OPERATORS: 'msft' } }).catch(
      (e: unknown) => e,
    );
    expect((fromEnv as ConfigError).message).toMatch(
      /mailramp\.config\.json with MAIN_EXCLUDE_OPERATORS from the environment is invalid \(1 problem\)/,
    );
    const own = dirWith({
      mailbox: { operators: { cox: ['.cox.net'] } },
      build: { excludeOperators: ['cox'] },
    });
    expect((await loadConfig({ cwd: own, env: {} })).config.build.excludeOperators).toEqual(['cox']);
    expect(() =>
      parseConfig({ build: { excludeOperators: ['mx:secureserver.net', 'no_mx'] } }),
    ).not.toThrow();
  });
});

describe('LISTMONK_* environment rules (issue #22)', () => {
  const server = (name: string) => ({ url: `http://${name}:9000`, username: 'api', token: `${name}-file` });

  it('with no listmonk.instances, LISTMONK_URL/_USERNAME/_TOKEN define the one default instance', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-config-'));
    const env = { LISTMONK_URL: 'http://lm:9000', LISTMONK_USERNAME: 'api', LISTMONK_TOKEN: 'tok' };
    const { config, envOverrides } = await loadConfig({ cwd: dir, env });
    expect(Object.keys(config.listmonk.instances)).toEqual([ENV_LISTMONK_INSTANCE]);
    expect(config.listmonk.instances.default).toMatchObject({
      url: 'http://lm:9000',
      username: 'api',
      token: 'tok',
    });
    expect(envOverrides).toEqual(['LISTMONK_URL', 'LISTMONK_USERNAME', 'LISTMONK_TOKEN']);
  });

  it('with several instances, LISTMONK_<INSTANCE>_URL/_USERNAME/_TOKEN set each one', async () => {
    const dir = dirWith({
      listmonk: { instances: { trucking: server('trucking'), 'health-care': server('healthcare') } },
    });
    const env = {
      LISTMONK_TRUCKING_TOKEN: 'truck-env',
      LISTMONK_HEALTH_CARE_URL: 'http://hc-env:9000',
      LISTMONK_HEALTH_CARE_USERNAME: 'hc-user',
    };
    const { config } = await loadConfig({ cwd: dir, env });
    expect(config.listmonk.instances.trucking).toMatchObject({
      url: 'http://trucking:9000',
      token: 'truck-env',
    });
    expect(config.listmonk.instances['health-care']).toMatchObject({
      url: 'http://hc-env:9000',
      username: 'hc-user',
      token: 'healthcare-file',
    });
    expect(listmonkEnvName('health-care', 'TOKEN')).toBe('LISTMONK_HEALTH_CARE_TOKEN');
  });

  it('with several instances, an unprefixed LISTMONK_* is refused naming the prefixed form', async () => {
    const dir = dirWith({
      listmonk: { instances: { trucking: server('trucking'), healthcare: server('healthcare') } },
    });
    const error = await loadConfig({ cwd: dir, env: { LISTMONK_TOKEN: 'tok' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('INVALID');
    expect((error as ConfigError).message).toMatch(
      /LISTMONK_TOKEN cannot say which .*\(trucking, healthcare\).*set LISTMONK_TRUCKING_TOKEN, LISTMONK_HEALTHCARE_TOKEN instead/,
    );
    expect((error as ConfigError).message).not.toContain('tok,');
  });

  it('a LISTMONK_<INSTANCE>_* naming no configured instance is refused naming the configured ones', async () => {
    const dir = dirWith({
      listmonk: { instances: { trucking: server('trucking'), healthcare: server('healthcare') } },
    });
    const error = await loadConfig({ cwd: dir, env: { LISTMONK_TRUKING_TOKEN: 'tok' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('INVALID');
    expect((error as ConfigError).message).toBe(
      'LISTMONK_TRUKING_TOKEN names no Listmonk instance of the config (trucking, healthcare); set LISTMONK_TRUCKING_TOKEN or LISTMONK_HEALTHCARE_TOKEN instead',
    );
    // Set but empty is unset, for a misspelt name as for every other variable; Listmonk's own
    // database URL (links-repair) and Listmonk's own lower-case settings are no instance's.
    await expect(
      loadConfig({
        cwd: dir,
        env: {
          LISTMONK_TRUKING_TOKEN: '',
          LISTMONK_DATABASE_URL: 'postgres://lm',
          LISTMONK_app__root_url: 'x',
        },
      }),
    ).resolves.toBeDefined();
    // Without instances in the file, the unprefixed variables are the ones that work.
    const none = await loadConfig({
      cwd: dirWith({}),
      env: { LISTMONK_TRUCKING_URL: 'http://x:9000' },
    }).catch((e: unknown) => e);
    expect((none as ConfigError).message).toBe(
      'LISTMONK_TRUCKING_URL names no Listmonk instance of the config (none in the file); set LISTMONK_URL instead, or name the instance in listmonk.instances',
    );
  });

  it('an empty LISTMONK_<INSTANCE>_TOKEN is unset, and the missing credentials are a problem naming its variables', async () => {
    const dir = dirWith({
      listmonk: {
        instances: {
          trucking: server('trucking'),
          healthcare: { url: 'http://healthcare:9000', username: 'api' },
        },
      },
    });
    const { config, envOverrides } = await loadConfig({ cwd: dir, env: { LISTMONK_HEALTHCARE_TOKEN: '' } });
    expect(config.listmonk.instances.healthcare?.token).toBeUndefined();
    expect(envOverrides).toEqual([]);
    expect(listmonkCredentialProblems(config)).toEqual([
      'listmonk.instances.healthcare has no token: set LISTMONK_HEALTHCARE_TOKEN (set but empty counts as unset) or listmonk.instances.healthcare.token',
    ]);
    // The only instance: the unprefixed variables (they always work for one). Credentials in the URL count.
    const one = parseConfig({ listmonk: { instances: { default: { url: 'http://lm:9000' } } } });
    expect(listmonkCredentialProblems(one)).toEqual([
      'listmonk.instances.default has no username or token: set LISTMONK_USERNAME / LISTMONK_TOKEN (set but empty counts as unset) or listmonk.instances.default.username / .token',
    ]);
    const inUrl = parseConfig({ listmonk: { instances: { default: { url: 'http://api:tok@lm:9000' } } } });
    expect(listmonkCredentialProblems(inUrl)).toEqual([]);
  });
});

describe('redactConfig', () => {
  it('never prints tokens or URL passwords', () => {
    const config = parseConfig({
      database: { url: 'postgres://mailramp:s3cret@db:5432/mailramp' },
      listmonk: { instances: { trucking: { url: 'http://lm:9000', username: 'api', token: 'tok-123' } } },
    });
    const text = JSON.stringify(redactConfig(config));
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('tok-123');
    expect(text).toContain('postgres://mailramp:***@db:5432/mailramp');
  });

  it('hides the guard webhook URL, which carries its credential in the path', () => {
    const config = parseConfig({
      guard: { notify: { webhook: { url: 'https://hooks.slack.com/services/T0/B0/XyZsecret' } } },
    });
    expect(config.guard.notify.webhook).toMatchObject({ timeoutMs: 5000, attempts: 4 });
    expect(config.guard.stop.alarms).toContain('runaway_volume');
    expect(JSON.stringify(redactConfig(config))).not.toContain('XyZsecret');
  });
});

describe('configJsonSchema', () => {
  it('describes the file, rejecting unknown keys', () => {
    const schema = configJsonSchema() as {
      type: string;
      properties: Record<string, unknown>;
      additionalProperties: unknown;
    };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['database', 'listmonk', 'build']));
    expect(schema.additionalProperties).toBe(false);
  });
});
