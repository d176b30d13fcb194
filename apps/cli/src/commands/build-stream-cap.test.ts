import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngines } from '@mailramp/db/testing';
import { openTwoInstanceHost } from '@mailramp/ops/testing';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { EXIT } from '../exit-codes.js';
import { captureIo } from '../io.js';
import { runCli } from '../run-cli.js';
import { createCliDatabase } from './testing/cli-database.js';

// Issue 17 §3 through the CLI: the daily cap of a vertical comes from the warm-up stream the config
// names (its start stamp file, its hourly ramp × sending hours), on the runbook's host layout.
const NOW = new Date('2026-06-11T07:17:00Z'); // trucking warm-up day 9 from the fixture's stamp file
const demoConfig = new URL('../../../../demo/mailramp.config.json', import.meta.url).pathname;

describe.each(testEngines())(
  'mailramp build on the two-instance host: the stream’s ramp bounds the day (%s)',
  (engine) => {
    const dir = mkdtempSync(join(tmpdir(), 'mailramp-stream-cap-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    /** The test's own migrated database under `dir/<name>`, as the flags that name it. */
    const database = async (name: string) => {
      const created = await createCliDatabase(engine, join(dir, name));
      onTestFinished(() => created.destroy());
      return created.args;
    };

    it('reads the warm-up day from the stream’s stamp file and caps the day at hourly cap × sending hours', async () => {
      const host = openTwoInstanceHost();
      const config = host.config();
      config.warmup.streams.trucking!.hourlyCap = [{ from: 0, value: 2 }];
      config.warmup.streams.trucking!.sendingHours = 5;
      const { build } = JSON.parse(readFileSync(demoConfig, 'utf8'));
      // No templates.dir, and no templates/ on the host: the shipped templates are used.
      host.writeConfig({ ...config, build });
      const data = await database('stream');
      const seed = captureIo({ now: () => NOW, cwd: host.root });
      expect(await runCli([...data, 'db', 'seed-demo', '--carriers', '400', '--providers', '0'], seed)).toBe(
        EXIT.OK,
      );

      // The host's `ip` answers the pre-flight gate's probe: every pool IP bound.
      const io = captureIo({ now: () => NOW, cwd: host.root, runner: host.runner });
      const code = await runCli([...data, 'build', '--vertical', 'trucking', '--dry-run', '--json'], io);
      expect(code, io.err()).toBe(EXIT.OK);
      const plan = JSON.parse(io.out()) as {
        warmupDay: number;
        dailyCap: number;
        recipients: number;
        streamCap?: { stream: string; hourly: number; sendingHours: number };
      };
      expect(plan.warmupDay).toBe(9);
      expect(plan.streamCap).toEqual({ stream: 'trucking', hourly: 2, sendingHours: 5 });
      expect(plan.dailyCap).toBe(10);
      expect(plan.recipients).toBe(10);
      expect(io.err()).toContain(`stream trucking started ${host.root}/etc/postfix/pw-warmup-start`);
      expect(io.err()).toContain('2/h × 5 sending hours');
    });

    it('a templates.dir that does not exist is a config error naming templates.dir, no option build lacks', async () => {
      const host = openTwoInstanceHost();
      const { build } = JSON.parse(readFileSync(demoConfig, 'utf8'));
      host.writeConfig({ ...host.config(), build, templates: { dir: 'no-such-templates' } });
      const data = await database('missing-templates');
      const seed = captureIo({ now: () => NOW, cwd: host.root });
      expect(await runCli([...data, 'db', 'seed-demo', '--carriers', '50', '--providers', '0'], seed)).toBe(
        EXIT.OK,
      );
      const io = captureIo({ now: () => NOW, cwd: host.root });
      expect(await runCli([...data, 'build', '--vertical', 'trucking', '--dry-run'], io)).toBe(EXIT.USAGE);
      expect(io.err()).toContain(`${host.root}/no-such-templates does not exist`);
      expect(io.err()).toContain('templates.dir in mailramp.config.json');
      expect(io.err()).not.toContain('--templates-dir');
    });
  },
);
