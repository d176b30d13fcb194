import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from './exit-codes.js';
import { captureIo } from './io.js';
import { runCli } from './run-cli.js';

const SECRET = 'Hunter2Zq9';

// Port 1 on loopback refuses at once: every database command fails and prints its error.
const URL_FORMS = [
  ['a password in the user-info', `postgres://app:${SECRET}@127.0.0.1:1/mail`],
  ['a query-string password', `postgres://app@127.0.0.1:1/mail?password=${SECRET}`],
  [
    'an sslpassword among other parameters',
    `postgres://app@127.0.0.1:1/mail?sslmode=disable&sslpassword=${SECRET}`,
  ],
  ['an unencoded @ in the password', `postgres://app:pa@${SECRET}@127.0.0.1:1/mail`],
  ['an unencoded @ and / in the password', `postgres://app:p/a@${SECRET}@127.0.0.1:1/mail`],
  ['a percent-encoded password', `postgres://app:${SECRET}%40x@127.0.0.1:1/mail`],
] as const;

async function run(argv: string[], env: Record<string, string> = {}) {
  const io = captureIo({ env });
  const code = await runCli(argv, io);
  return { code, text: io.out() + io.err() };
}

describe('secrets never reach the output (issue #20)', () => {
  it.each(URL_FORMS)('config show redacts %s', async (_, url) => {
    for (const [argv, env] of [
      [['--database-url', url, 'config', 'show'], {}],
      [['config', 'show'], { DATABASE_URL: url }],
    ] as const) {
      const { code, text } = await run([...argv], env);
      expect(code).toBe(EXIT.OK);
      expect(text).toContain('127.0.0.1:1/mail');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(SECRET.slice(2));
    }
  });

  it.each(URL_FORMS)('a database error redacts %s', async (_, url) => {
    const { code, text } = await run(['--database-url', url, 'db', 'status'], { MAILRAMP_DEBUG: '1' });
    expect(code).toBe(EXIT.UNAVAILABLE);
    expect(text).toContain('cannot reach the database');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET.slice(2));
  });

  it('a JSON syntax error gives line and column and quotes nothing of the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-leak-'));
    const file = join(dir, 'mailramp.config.json');
    writeFileSync(
      file,
      `{\n  "listmonk": {\n    "instances": {\n      "t": { "url": "http://lm:9000", "token": tok-${SECRET} }\n    }\n  }\n}\n`,
    );
    const { code, text } = await run(['--config', file, 'config', 'show']);
    expect(code).toBe(EXIT.USAGE);
    expect(text).toContain('line 4, column 48');
    expect(text).not.toContain(SECRET.slice(0, 4));
    expect(text).not.toContain('tok-');
    expect(text).not.toContain('lm:9000');
  });

  it('accepts a config file that starts with a UTF-8 byte-order mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-leak-'));
    const file = join(dir, 'mailramp.config.json');
    writeFileSync(file, `\ufeff${JSON.stringify({ database: { dataDir: '/srv/mailramp/data' } })}`);
    const { code, text } = await run(['--config', file, 'config', 'show']);
    expect(code, text).toBe(EXIT.OK);
    expect(text).toContain('/srv/mailramp/data');
  });
});
