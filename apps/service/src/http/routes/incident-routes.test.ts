/** The guard's incident routes over real HTTP on 127.0.0.1: list, show, resume (auth, 409, dry, real). */
import { Writable } from 'node:stream';
import type { Engine } from '@mailramp/db';
import { testEngines } from '@mailramp/db/testing';
import { oneIpStream } from '@mailramp/ops/testing';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestMailramp, type TestMailramp } from '../../testing/index.js';
import { createHttpServer } from '../create-http-server.js';
import { listenHttpServer } from '../listen-http-server.js';

/** The fields the routes answer with that this test reads (each reply has some of them). */
interface Reply {
  incidents: { id: number; stream: string; status: string }[];
  actions: { kind: string; target: { rate?: number } }[];
  error: { code: string };
  incident: unknown;
}

const TOKEN = 'svc-incidents-4b1f0e9a7c2d3e58';
const now = () => new Date('2026-06-22T10:05:00Z');

describe.each(testEngines())('the incident routes on %s', (engine: Engine) => {
  let t: TestMailramp;
  let server: FastifyInstance;
  let url: string;
  const call = async (method: string, path: string, body?: unknown, token: string | null = TOKEN) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Reply };
  };

  beforeAll(async () => {
    t = await openTestMailramp(engine, {
      now,
      config: {
        warmup: {
          streams: {
            // A stamp file that cannot be read must not keep the guard from stopping (day 0 is assumed).
            trucking: oneIpStream({ start: { stampFile: '/nonexistent/pw-warmup-start' } }),
          },
        },
      },
    });
    const jobs = {
      jobNames: () => [],
      runJob: async () => ({ job: 'x', slot: now() }),
      runBuild: async () => ({ job: 'x', slot: now() }),
    };
    const logger = pino(new Writable({ write: (_c, _e, done) => done() }));
    server = createHttpServer({ mailramp: t.mailramp, token: TOKEN, logger, now, jobs });
    url = await listenHttpServer(server, { port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await t?.destroy();
  });

  it('lists the open incident, refuses a resume without the token or while alarming, then resumes', async () => {
    const db = await t.mailramp.db();
    await db
      .insertInto('alarms')
      .values({
        alarm: 'dkim_unsigned',
        severity: 'critical',
        message: '12 signatures for 400 messages',
        first_seen: now(),
        last_seen: now(),
      })
      .execute();
    await t.mailramp.guard.cycle();

    const open = await call('GET', '/api/incidents?status=open', undefined, null);
    expect(open.status).toBe(200);
    expect(open.json.incidents).toEqual([expect.objectContaining({ stream: 'trucking', status: 'open' })]);
    const id = open.json.incidents[0]!.id;
    const shown = await call('GET', `/api/incidents/${id}`, undefined, null);
    expect(shown.json.actions.map((a) => [a.kind, a.target.rate])).toEqual([['hold', 50]]);
    expect((await call('GET', '/api/incidents/999', undefined, null)).status).toBe(404);
    expect((await call('GET', '/api/incidents/abc', undefined, null)).status).toBe(400);

    expect((await call('POST', `/api/incidents/${id}/resume`, {}, null)).status).toBe(401);
    const alarming = await call('POST', `/api/incidents/${id}/resume`, {});
    expect(alarming.status).toBe(409);
    expect(alarming.json.error.code).toBe('INCIDENT_STILL_ALARMING');
    expect((await call('POST', `/api/incidents/${id}/resume`, { dryRun: 'yes' })).status).toBe(400);

    await db.updateTable('alarms').set({ status: 'closed', closed_at: now() }).execute();
    const dry = await call('POST', `/api/incidents/${id}/resume`, { dryRun: true });
    expect(dry).toMatchObject({ status: 200, json: { dryRun: true, hold: 'kept', scheduled: [], left: [] } });
    const done = await call('POST', `/api/incidents/${id}/resume`, { releaseHold: true });
    expect(done).toMatchObject({ status: 200, json: { dryRun: false, hold: 'released' } });
    expect((await call('GET', `/api/incidents/${id}`)).json.incident).toMatchObject({
      status: 'resolved',
      resolvedBy: 'api',
    });
  });
});
