import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';

const ROOT = join(import.meta.dirname, '../../../..');
const INCIDENTS = 'test/fixtures/templates/incidents';
const run = async (argv: string[]) => {
  const io = captureIo({ cwd: ROOT });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
};

describe('mailramp lint', () => {
  it('passes the shipped templates (exit 0)', async () => {
    const { code, out, err } = await run(['lint']);
    expect(code).toBe(EXIT.OK);
    expect(out).toBe('');
    expect(err).toMatch(/1\d files linted: 0 errors, 0 warnings/);
  });

  it('fails the incident fixtures (exit 1) with json findings {file, line, column, rule, severity, message}', async () => {
    const { code, out } = await run(['lint', INCIDENTS, '--format', 'json']);
    expect(code).toBe(EXIT.FINDINGS);
    const findings = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(Object.keys(findings[0] ?? {})).toEqual(['file', 'line', 'column', 'rule', 'severity', 'message']);
    expect(findings).toContainEqual(
      expect.objectContaining({
        file: `${INCIDENTS}/jun22-lp-link-tracklink.html`,
        line: 3,
        column: 13,
        rule: 'tracked-link-dynamic',
        severity: 'error',
      }),
    );
  });

  it('prints GitHub workflow commands with --format github', async () => {
    const { code, out } = await run([
      'lint',
      `${INCIDENTS}/jun22-registered-url-no-question.html`,
      '--format',
      'github',
    ]);
    expect(code).toBe(EXIT.FINDINGS);
    expect(out).toMatch(
      /^::error file=test\/fixtures\/templates\/incidents\/jun22-registered-url-no-question\.html,line=3,col=13,title=mailramp lint \(url-query-without-question\)::https%3A|^::error file=.*::https:\/\/performancewest\.net\/order\/boc3-filing&utm_source/m,
    );
  });

  it('prints text findings as file:line:col  severity  message  [rule]', async () => {
    const { out } = await run(['lint', `${INCIDENTS}/tracklink-without-dot.html`]);
    expect(out).toMatch(
      /^test\/fixtures\/templates\/incidents\/tracklink-without-dot\.html:3:13 {2}error {2}.* \[tracklink-missing-dot\]$/m,
    );
  });

  it('exits 2 on a path that does not exist or an unknown format', async () => {
    expect((await run(['lint', 'no/such/dir'])).code).toBe(EXIT.USAGE);
    expect((await run(['lint', '--format', 'xml'])).code).toBe(EXIT.USAGE);
  });

  it('accepts the TrackLink forms of the Listmonk version in the config, naming it in a finding', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-lint-'));
    try {
      const footer =
        '<p>Acme, 100 Main St, Springfield, IL 62701 · <a href="{{ UnsubscribeURL }}">Unsubscribe</a></p>';
      const undotted = join(dir, 'undotted.html');
      const dotted = join(dir, 'dotted.html');
      writeFileSync(undotted, `<a href="{{ TrackLink .Subscriber.Attribs.lp_link }}">x</a>${footer}`);
      writeFileSync(dotted, `<a href="{{ TrackLink .Subscriber.Attribs.lp_link . }}">x</a>${footer}`);
      const configOf = (version: string) => {
        const path = join(dir, `${version}.json`);
        writeFileSync(
          path,
          JSON.stringify({
            listmonk: { instances: { trucking: { url: 'https://lists.example.com', version } } },
          }),
        );
        return path;
      };
      const v4 = configOf('v4.1.0');
      expect((await run(['lint', undotted, '--config', v4, '--templates-dir', dir])).code).toBe(EXIT.OK);
      const bad = await run(['lint', dotted, '--config', v4, '--templates-dir', dir]);
      expect(bad.code).toBe(EXIT.FINDINGS);
      expect(bad.out).toMatch(/on Listmonk v4\.1\.0 \(v2\.1\.0–v4\.x\).*\[tracklink-extra-dot\]/);
      const v5 = configOf('v5.1.0');
      expect((await run(['lint', dotted, '--config', v5, '--templates-dir', dir])).code).toBe(EXIT.OK);
      expect((await run(['lint', undotted, '--config', v5, '--templates-dir', dir])).code).toBe(
        EXIT.FINDINGS,
      );
      // An instance without a version may run any of them: every behaviour v2–v6 is checked.
      const mixed = join(dir, 'mixed.json');
      writeFileSync(
        mixed,
        JSON.stringify({
          listmonk: {
            instances: {
              trucking: { url: 'https://lists.example.com', version: 'v4.1.0' },
              healthcare: { url: 'https://hc.example.com' },
            },
          },
        }),
      );
      const unknown = await run(['lint', undotted, '--config', mixed, '--templates-dir', dir]);
      expect(unknown.code).toBe(EXIT.FINDINGS);
      expect(unknown.out).toContain('[tracklink-missing-dot]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists its rules', async () => {
    const { code, out } = await run(['lint', '--rules']);
    expect(code).toBe(EXIT.OK);
    expect(out).toMatch(/^tracked-link-dynamic\s+error\s+/m);
  });
});

describe('mailramp render', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('prints the HTML with sample data, Listmonk tags in place, subject on stderr', async () => {
    const { code, out, err } = await run(['render', 'trucking/mcs150-biennial']);
    expect(code).toBe(EXIT.OK);
    expect(out).toContain('<h1>Your MCS-150 update is due July 2027</h1>');
    expect(out).toContain('href="{{ .Subscriber.Attribs.lp_link | Safe }}&amp;utm_source=listmonk');
    expect(err).toContain(
      'subject: MCS-150 biennial update due July 2027 for USDOT {{ .Subscriber.Attribs.dot }}',
    );
  });

  it('prints the altbody with --text, and everything with --json', async () => {
    const text = await run(['render', 'templates/healthcare/clia-renewal.html', '--text']);
    expect(text.code).toBe(EXIT.OK);
    expect(text.out).toContain(
      'Start my CLIA renewal\n({{ .Subscriber.Attribs.lp_link | Safe }}&utm_source=listmonk',
    );
    const json = await run(['render', 'healthcare/clia-renewal', '--json']);
    expect(Object.keys(JSON.parse(json.out))).toEqual(['name', 'html', 'altbody', 'findings', 'subject']);
  });

  it('uses --data, and refuses a missing build-time value (exit 2) naming file:line:col', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-render-'));
    dirs.push(dir);
    const data = join(dir, 'data.json');
    writeFileSync(data, JSON.stringify({ due_month: 'x' }));
    const { code, err } = await run(['render', 'trucking/mcs150-biennial', '--data', data]);
    expect(code).toBe(EXIT.USAGE);
    expect(err).toMatch(
      /templates\/partials\/cta\.html:1:\d+: build-time value @utm_campaign is not in the data/,
    );
  });

  it('exits 2 for an unknown template, listing the ones there are', async () => {
    const { code, err } = await run(['render', 'trucking/nope']);
    expect(code).toBe(EXIT.USAGE);
    expect(err).toContain('trucking/mcs150-biennial');
  });

  it('exits 1 when the rendered campaign has lint errors (the build would refuse it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-render-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'x.html'),
      '<p><a href="{{ .Subscriber.Attribs.lp_link }}&x=1@TrackLink">Go</a></p>',
    );
    writeFileSync(join(dir, 'x.sample.json'), '{}');
    const io = captureIo({ cwd: dir });
    expect(await runCli(['render', 'x', '--templates-dir', '.'], io)).toBe(EXIT.FINDINGS);
    expect(io.out()).toContain('@TrackLink');
    expect(io.err()).toContain('[tracked-link-dynamic]');
    expect(io.err()).toContain('[missing-unsubscribe]');
  });
});
