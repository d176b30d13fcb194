/** A recipient time-zone group: one campaign per segment × group, each at its local morning. */
export type ZoneGroup =
  | 'eastern'
  | 'central'
  | 'mountain'
  | 'arizona'
  | 'pacific'
  | 'alaska'
  | 'hawaii'
  | 'atlantic'
  | 'puerto_rico';

/** The IANA zone each group is scheduled in. */
export const ZONE_GROUPS: Record<ZoneGroup, string> = {
  eastern: 'America/New_York',
  central: 'America/Chicago',
  mountain: 'America/Denver',
  arizona: 'America/Phoenix',
  pacific: 'America/Los_Angeles',
  alaska: 'America/Anchorage',
  hawaii: 'Pacific/Honolulu',
  atlantic: 'America/Halifax',
  puerto_rico: 'America/Puerto_Rico',
};

function entries(g: ZoneGroup, keys: string, prefix = ''): Array<[string, ZoneGroup]> {
  return keys.split(' ').map((k) => [`${prefix}${k}`, g]);
}

/** US states, DC, territories and Canadian provinces → the group of most of their population. */
const STATE_GROUPS = new Map<string, ZoneGroup>([
  ...entries('eastern', 'CT DE DC FL GA IN KY ME MD MA MI NH NJ NY NC OH PA RI SC VT VA WV ON QC'),
  ...entries('central', 'AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI MB SK'),
  ...entries('mountain', 'CO ID MT NM UT WY AB NT'),
  ...entries('arizona', 'AZ'),
  ...entries('pacific', 'CA NV OR WA BC YT'),
  ...entries('alaska', 'AK'),
  ...entries('hawaii', 'HI AS GU MP'),
  ...entries('atlantic', 'NB NS PE NL'),
  ...entries('puerto_rico', 'PR VI'),
]);

// Split states (DOMAIN.md §1): ZIP prefixes whose zone differs from the state's main one.
const ZIP3_GROUPS = new Map<string, ZoneGroup>([
  ...entries('central', '324 325', 'FL'),
  ...entries('mountain', '798 799 885', 'TX'),
  ...entries('eastern', '373 374 376 377 378 379', 'TN'),
  ...entries('central', '420 421 422 423 424 427', 'KY'),
  ...entries('central', '463 464 476 477', 'IN'),
  ...entries('central', '498 499', 'MI'),
  ...entries('mountain', '693', 'NE'),
  ...entries('mountain', '586', 'ND'),
  ...entries('mountain', '577', 'SD'),
  ...entries('mountain', '979', 'OR'),
  ...entries('pacific', '835 838', 'ID'),
]);

/** True when the text names a zone group. */
export function isZoneGroup(text: string): text is ZoneGroup {
  return Object.hasOwn(ZONE_GROUPS, text);
}

/**
 * The time-zone group of a recipient: by ZIP prefix in split states, else by state, else the
 * fallback (unknown or foreign state).
 */
export function zoneGroupOf(state: string | null, zip: string | null, fallback: ZoneGroup): ZoneGroup {
  const st = (state ?? '').trim().toUpperCase();
  const zip3 = (zip ?? '').trim().slice(0, 3);
  if (/^\d{3}$/.test(zip3)) {
    const byZip = ZIP3_GROUPS.get(`${st}${zip3}`);
    if (byZip !== undefined) return byZip;
  }
  return STATE_GROUPS.get(st) ?? fallback;
}
