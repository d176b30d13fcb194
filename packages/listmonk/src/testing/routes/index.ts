import type { StandInRoute } from '../stand-in-http.js';
import { CAMPAIGNS_ROUTES } from './campaigns-routes.js';
import { CONFIG_ROUTES } from './config-routes.js';
import { IMPORT_ROUTES } from './import-routes.js';
import { LISTS_ROUTES } from './lists-routes.js';

/** Every route the stand-in serves. */
export const STAND_IN_ROUTES: StandInRoute[] = [
  ...CONFIG_ROUTES,
  ...LISTS_ROUTES,
  ...IMPORT_ROUTES,
  ...CAMPAIGNS_ROUTES,
];
