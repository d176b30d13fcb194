import { ok, type StandInRoute } from '../stand-in-http.js';

/** `GET /api/config`: version, lang, messengers, needs_restart. */
export const CONFIG_ROUTES: StandInRoute[] = [
  {
    method: 'GET',
    pattern: '/api/config',
    handle: (_req, ctx) => {
      const settings = ctx.state.appliedSettings;
      const messengers = [
        'email',
        ...((settings.messengers as Array<{ name: string; enabled: boolean }>) ?? [])
          .filter((m) => m.enabled)
          .map((m) => m.name),
      ];
      return ok({
        root_url: ctx.rootUrl(),
        from_email: settings['app.from_email'],
        messengers,
        langs: [{ code: 'en', name: 'English' }],
        lang: settings['app.lang'] ?? 'en',
        update: null,
        needs_restart: ctx.state.needsRestart,
        version: ctx.version.raw,
      });
    },
  },
];
