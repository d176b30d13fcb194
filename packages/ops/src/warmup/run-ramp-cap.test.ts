import { describe, expect, it } from 'vitest';
import type { RampSettingsClient } from './apply-ramp-cap.js';
import type { RampHold } from './holds-repository.js';
import { type RampCapEvent, runRampCap } from './run-ramp-cap.js';
import type { WarmupStream } from './warmup-stream.js';

const RUNBOOK_CAP = [
  { from: 0, to: 1, value: 50 },
  { from: 2, to: 3, value: 150 },
  { from: 4, to: 6, value: 250 },
  { from: 7, value: 300 },
];

function stream(name: string, overrides: Partial<WarmupStream> = {}): WarmupStream {
  return {
    name,
    ips: [],
    retired: [],
    start: '2026-06-02',
    pool: [{ from: 0, value: 3 }],
    hourlyCap: RUNBOOK_CAP,
    dailyCeiling: 4000,
    listmonk: [name],
    postfix: { configDir: '/etc/postfix', lookupTables: [] },
    ...overrides,
  };
}

const noHolds = { findActiveHold: async () => undefined };
const noFiles = async (path: string): Promise<string> => {
  throw new Error(`no file ${path}`);
};

/** A Listmonk port over a plain settings object, recording calls; `fail` makes one call throw. */
function fakeClient(fail?: 'getSettings' | 'updateSettings') {
  const settings: Record<string, unknown> = { 'app.concurrency': 10, 'app.message_rate': 10 };
  const calls: string[] = [];
  const client: RampSettingsClient = {
    async getSettings() {
      calls.push('getSettings');
      if (fail === 'getSettings') throw new Error('connection refused');
      return { ...settings };
    },
    async updateSettings(changes) {
      calls.push('updateSettings');
      if (fail === 'updateSettings') throw new Error('did not answer again after the restart');
      Object.assign(settings, changes);
      return { needsRestart: false };
    },
    async needsRestart() {
      calls.push('needsRestart');
      return false;
    },
    async reload() {
      calls.push('reload');
    },
  };
  return { client, calls, settings };
}

describe('runRampCap', () => {
  it('plans every stream before touching any Listmonk: a broken stamp file writes nothing anywhere', async () => {
    const trucking = fakeClient();
    const run = runRampCap([stream('trucking'), stream('healthcare', { start: { stampFile: '/x/start' } })], {
      date: '2026-06-06',
      apply: true,
      reload: false,
      holds: noHolds,
      readFile: noFiles,
      clientFor: () => trucking.client,
    });
    await expect(run).rejects.toThrow(/cannot read warm-up stamp \/x\/start/);
    expect(trucking.calls).toEqual([]);
  });

  it('uses the lower of the table and an active hold, per stream and date', async () => {
    const hold = { stream: 'trucking', rate: 200, until: '2026-06-24' } as RampHold;
    const asked: string[] = [];
    const results = await runRampCap([stream('trucking'), stream('healthcare')], {
      date: '2026-06-17',
      apply: false,
      reload: false,
      holds: {
        findActiveHold: async (name, date) => {
          asked.push(`${name} ${date}`);
          return name === 'trucking' ? hold : undefined;
        },
      },
      readFile: noFiles,
      clientFor: () => fakeClient().client,
    });
    expect(asked).toEqual(['trucking 2026-06-17', 'healthcare 2026-06-17']);
    expect(results.map((r) => [r.stream, r.day, r.tableCap, r.cap, r.hold?.rate])).toEqual([
      ['trucking', 15, 300, 200, 200],
      ['healthcare', 15, 300, 300, undefined],
    ]);
  });

  it('reports a failed instance and still brings the others to their cap, saying whether it may have written', async () => {
    const clients = {
      down: fakeClient('getSettings'),
      flaky: fakeClient('updateSettings'),
      fine: fakeClient(),
    };
    const events: RampCapEvent['type'][] = [];
    const results = await runRampCap(
      [stream('trucking', { listmonk: ['down', 'flaky'] }), stream('healthcare', { listmonk: ['fine'] })],
      {
        date: '2026-06-06',
        apply: true,
        reload: false,
        holds: noHolds,
        readFile: noFiles,
        clientFor: (name) => clients[name as keyof typeof clients].client,
        onEvent: (e) => events.push(e.type),
      },
    );
    expect(results[0]!.instances).toEqual([
      { status: 'failed', instance: 'down', error: new Error('connection refused'), mayHaveWritten: false },
      expect.objectContaining({ status: 'failed', instance: 'flaky', mayHaveWritten: true }),
    ]);
    expect(results[1]!.instances[0]).toMatchObject({ status: 'done', instance: 'fine', written: true });
    expect(clients.fine.settings['app.message_sliding_window_rate']).toBe(250);
    expect(events).toEqual(['stream', 'instance', 'instance', 'stream', 'instance']);
  });
});
