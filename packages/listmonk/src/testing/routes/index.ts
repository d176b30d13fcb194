import type { StandInRoute } from '../stand-in-http.js';
import { BOUNCES_ROUTES } from './bounces-routes.js';
import { CAMPAIGNS_ROUTES } from './campaigns-routes.js';
import { CONFIG_ROUTES } from './config-routes.js';
import { IMPORT_ROUTES } from './import-routes.js';
import { LISTS_ROUTES } from './lists-routes.js';
import { PREVIEW_ROUTES } from './preview-routes.js';
import { SETTINGS_ROUTES } from './settings-routes.js';
import { SUBSCRIBERS_ROUTES } from './subscribers-routes.js';
import { TEMPLATES_ROUTES } from './templates-routes.js';

/** Every route the stand-in serves. */
export const STAND_IN_ROUTES: StandInRoute[] = [
  ...CONFIG_ROUTES,
  ...LISTS_ROUTES,
  ...IMPORT_ROUTES,
  ...SUBSCRIBERS_ROUTES,
  ...CAMPAIGNS_ROUTES,
  ...PREVIEW_ROUTES,
  ...TEMPLATES_ROUTES,
  ...SETTINGS_ROUTES,
  ...BOUNCES_ROUTES,
];
