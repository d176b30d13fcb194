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

const GO_DURATION = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1e3,
  m: 6e4,
  h: 3.6e6,
};

/** Go's time.ParseDuration in ms, or undefined when Go would refuse it ("0" is valid). */
export function parseGoDuration(value: string): number | undefined {
  if (value === '0' || value === '+0' || value === '-0') return 0;
  if (!GO_DURATION.test(value)) return undefined;
  const sign = value.startsWith('-') ? -1 : 1;
  let ms = 0;
  for (const m of value.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g))
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return sign * ms;
}

/**
 * The sliding window Listmonk's manager applies, or undefined when it is off: on only with
 * `app.message_sliding_window`, a rate above 0 and a duration over one second. A duration Go cannot
 * parse, or a JSON number (read as nanoseconds), leaves it silently off.
 */
export function slidingWindowOf(settings: Record<string, unknown>): { rate: number; ms: number } | undefined {
  if (settings['app.message_sliding_window'] !== true) return undefined;
  const rate = Number(settings['app.message_sliding_window_rate']);
  const raw = settings['app.message_sliding_window_duration'];
  const ms = typeof raw === 'string' ? parseGoDuration(raw) : typeof raw === 'number' ? raw / 1e6 : undefined;
  if (!(rate > 0) || ms === undefined || ms <= 1000) return undefined;
  return { rate, ms };
}

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
      // No rate key is validated: a bad sliding window is stored and silently switches the window
      // off when applied (see slidingWindowOf); a rate below 1 is clamped at start-up.
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
