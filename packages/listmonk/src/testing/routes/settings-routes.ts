import { MSG } from '../messages.js';
import { bad, ok, type StandInContext, type StandInReply, type StandInRoute } from '../stand-in-http.js';
import { defaultSettings } from '../stand-in-state.js';

const MASK = '•';
const SECRET_KEYS = ['upload.s3.aws_secret_access_key', 'bounce.sendgrid_key'];
const SECRET_LIST_KEYS = ['smtp', 'messengers', 'bounce.mailboxes'];

type Block = Record<string, unknown> & { uuid?: string; password?: string };

const mask = (value: unknown): unknown =>
  typeof value === 'string' && value !== '' ? MASK.repeat([...value].length) : value;

/** Settings as GET answers them: every secret replaced by as many `•` as it has characters. */
function masked(settings: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(settings);
  for (const key of SECRET_KEYS) if (key in out) out[key] = mask(out[key]);
  for (const key of SECRET_LIST_KEYS) {
    const blocks = out[key];
    if (Array.isArray(blocks))
      for (const b of blocks as Block[]) if ('password' in b) b.password = mask(b.password) as string;
  }
  return out;
}

/** The zero value of a setting's type: what a key missing from a PUT body becomes. */
function zeroOf(value: unknown): unknown {
  if (Array.isArray(value)) return [];
  if (typeof value === 'number') return 0;
  if (typeof value === 'boolean') return false;
  if (typeof value === 'string') return '';
  return null;
}

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** Applies a save: restart now, or needs_restart when a campaign is running. */
function saved(ctx: StandInContext): StandInReply {
  const running = [...ctx.state.campaigns.values()].some((c) => c.status === 'running');
  if (running) {
    ctx.state.needsRestart = true;
    return ok({ needs_restart: true });
  }
  ctx.scheduleRestart();
  return ok(true);
}

/** Settings: full overwrite, masked secrets, restart window, needs_restart; v6 per-key PUT. */
export const SETTINGS_ROUTES: StandInRoute[] = [
  {
    method: 'GET',
    pattern: '/api/settings',
    perm: 'settings:get',
    handle: (_req, ctx) => ok(masked(ctx.state.settings)),
  },
  {
    method: 'PUT',
    pattern: '/api/settings',
    perm: 'settings:manage',
    handle: (req, ctx) => {
      const body = req.json();
      const current = ctx.state.settings;
      const next: Record<string, unknown> = {};
      // Every key is written: one missing from the body is zeroed (a partial body wipes the rest).
      for (const [key, value] of Object.entries(defaultSettings()))
        next[key] = key in body ? body[key] : zeroOf(value);
      // An empty secret means "keep"; anything else (the bullets included) is stored as sent.
      for (const key of SECRET_KEYS) if (next[key] === '') next[key] = current[key];
      for (const key of SECRET_LIST_KEYS) {
        const blocks = Array.isArray(next[key]) ? (next[key] as Block[]) : [];
        const old = Array.isArray(current[key]) ? (current[key] as Block[]) : [];
        blocks.forEach((block, i) => {
          if (typeof block !== 'object' || block === null || block.password !== '') return;
          const same = old.find((o) => block.uuid !== undefined && o.uuid === block.uuid) ?? old[i];
          block.password = same?.password ?? '';
        });
      }
      const smtp = Array.isArray(next.smtp) ? (next.smtp as Block[]) : [];
      if (!smtp.some((b) => b?.enabled === true)) bad(MSG.noSmtp);
      const duration = next['app.message_sliding_window_duration'];
      if (
        next['app.message_sliding_window'] === true &&
        !(typeof duration === 'string' && GO_DURATION.test(duration))
      ) {
        bad(MSG.invalidSettingValue('app.message_sliding_window_duration'));
      }
      for (const key of ['app.concurrency', 'app.message_rate', 'app.batch_size']) {
        if (typeof next[key] !== 'number' || (next[key] as number) < 1) bad(MSG.invalidSettingValue(key));
      }
      ctx.state.settings = next;
      return saved(ctx);
    },
  },
  {
    method: 'PUT',
    pattern: '/api/settings/:key',
    perm: 'settings:manage',
    minMajor: 6,
    handle: (req, ctx) => {
      const key = decodeURIComponent(req.params.key ?? '');
      let value: unknown;
      try {
        value = JSON.parse(req.body.toString('utf8'));
      } catch (error) {
        bad(`Invalid JSON: ${(error as Error).message}`);
      }
      // No validation; a key that does not exist is a 200 that changes nothing.
      if (key in ctx.state.settings) ctx.state.settings[key] = value;
      return saved(ctx);
    },
  },
  {
    method: 'POST',
    pattern: '/api/admin/reload',
    perm: 'settings:manage',
    handle: (_req, ctx) => {
      ctx.scheduleRestart();
      return ok(true);
    },
  },
];
