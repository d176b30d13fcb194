/**
 * The server's frame over real HTTP on 127.0.0.1: /healthz, the bearer token on every mutation
 * (missing, wrong, wrong length, no token configured), JSON errors, and no token in any log line
 * or response.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestLogger, openTestMailramp, type TestMailramp } from '../testing/index.js';
import { createHttpServer } from './create-http-server.js';
import type { JobRunner } from './job-runner.js';
import { listenHttpServer } from './listen-http-server.js';

const TOKEN = 'tok-3f9a1c77e2b04d5e9a8c6b1f0d2e4a77';
const now = () => new Date('2026-06-22T06:00:00Z');

/** A JobRunner that records what it was asked: the scheduler's side is tested with the scheduler. */
function recordingJobs(): JobRunner & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    jobNames: () => ['warmup', 'report'],
    runJob: async (name) => {
      calls.push(name);
      return { job: name, slot: now(), id: '7' };
    },
    runBuild: async (options) => {
      calls.push(`build:${options.vertical}`);
      return { job: `build-${options.vertical}`, slot: now() };
    },
  };
}

/** The `{ error: { code, message } }` every failed request answers with. */
async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe('createHttpServer', () => {
  let t: TestMailramp;
  let server: FastifyInstance | undefined;
  const { logger, lines } = createTestLogger();
  beforeAll(async () => {
    t = await openTestMailramp('pglite', { now });
  });
  afterAll(() => t.destroy());
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const start = async (token: string | undefined, jobs = recordingJobs()) => {
    server = createHttpServer({ mailramp: t.mailramp, token, logger, now, jobs });
    const url = await listenHttpServer(server, { port: 0 });
    return { url, jobs };
  };

  it('answers /healthz on 127.0.0.1 by default', async () => {
    server = createHttpServer({ mailramp: t.mailramp, token: TOKEN, logger, now, jobs: recordingJobs() });
    const url = await listenHttpServer(server, { port: 0 });
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, now: '2026-06-22T06:00:00.000Z' });
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token of the same length', `Bearer ${TOKEN.replace(/.$/, 'x')}`],
    ['a shorter token', `Bearer ${TOKEN.slice(0, 8)}`],
    ['a longer token', `Bearer ${TOKEN}${TOKEN}`],
    ['the token without the Bearer scheme', TOKEN],
    ['Basic auth', `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`],
  ])('refuses a mutation with %s (401, WWW-Authenticate), running nothing', async (_name, authorization) => {
    const { url, jobs } = await start(TOKEN);
    const response = await fetch(`${url}/api/jobs/warmup/run`, {
      method: 'POST',
      headers: authorization === undefined ? {} : { authorization },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="mailramp"');
    const error = await errorOf(response);
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain('Authorization: Bearer');
    expect(jobs.calls).toEqual([]);
  });

  it('runs a job with the right token (202 and the slot it is recorded under)', async () => {
    const { url, jobs } = await start(TOKEN);
    const response = await fetch(`${url}/api/jobs/warmup/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ job: 'warmup', slot: '2026-06-22T06:00:00.000Z', id: '7' });
    expect(jobs.calls).toEqual(['warmup']);
  });

  it('answers 404 naming the jobs it runs for an unknown job', async () => {
    const { url, jobs } = await start(TOKEN);
    const response = await fetch(`${url}/api/jobs/nope/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toEqual({
      code: 'UNKNOWN_JOB',
      message: 'no job "nope"; the service runs warmup, report (service.jobs in mailramp.config.json)',
    });
    expect(jobs.calls).toEqual([]);
  });

  it.each([
    ['no token', undefined],
    ['an empty token', ''],
  ])('with %s configured refuses every mutation (403) and says how to set one', async (_name, token) => {
    const { url, jobs } = await start(token);
    for (const authorization of [undefined, 'Bearer ', `Bearer ${TOKEN}`]) {
      const response = await fetch(`${url}/api/jobs/warmup/run`, {
        method: 'POST',
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(response.status).toBe(403);
      const error = await errorOf(response);
      expect(error.code).toBe('TOKEN_NOT_CONFIGURED');
      expect(error.message).toContain('set service.token');
    }
    expect(jobs.calls).toEqual([]);
    // Reads need no token.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('protects mutations of routes registered later (the dashboard, the guard)', async () => {
    server = createHttpServer({ mailramp: t.mailramp, token: TOKEN, logger, now, jobs: recordingJobs() });
    let released = 0;
    await server.register(async (plugin) => {
      plugin.post('/api/guard/release', async () => {
        released += 1;
        return { released };
      });
    });
    const url = await listenHttpServer(server, { port: 0 });
    expect((await fetch(`${url}/api/guard/release`, { method: 'POST' })).status).toBe(401);
    expect(released).toBe(0);
    const ok = await fetch(`${url}/api/guard/release`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(ok.status).toBe(200);
    expect(released).toBe(1);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const { url } = await start(TOKEN);
    const response = await fetch(`${url}/api/nothing?x=1`);
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toEqual({ code: 'NOT_FOUND', message: 'no route GET /api/nothing' });
  });

  it('never writes the token into a log line (all requests above logged)', () => {
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      expect(JSON.parse(line)).toBeTypeOf('object');
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(TOKEN.slice(0, 8));
      expect(line.toLowerCase()).not.toContain('"authorization"');
    }
  });
});
