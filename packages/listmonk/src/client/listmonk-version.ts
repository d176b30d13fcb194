/** A Listmonk server version, from `GET /api/config` (`"v5.1.0"`). */
export interface ListmonkVersion {
  major: number;
  minor: number;
  patch: number;
  /** As the server reported it. */
  raw: string;
}

/** Parses `v5.1.0`, `5.1.0`, `v2.4.0-rc1 (abc123)`; undefined when it is not a version. */
export function parseListmonkVersion(raw: string): ListmonkVersion | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(raw.trim());
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), raw };
}

/** True when `version` is at least `major.minor.patch`. */
export function isAtLeast(version: ListmonkVersion, major: number, minor = 0, patch = 0): boolean {
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.patch >= patch;
}

/** What differs between the Listmonk versions mailramp supports (v2 to v6). */
export interface ListmonkFeatures {
  /** v4+: API users with `Authorization: token user:token`; before: HTTP Basic admin login. */
  tokenAuth: boolean;
  /** v5+: a paused campaign may be scheduled again; v2–v4: only drafts. */
  scheduleFromPaused: boolean;
  /** v2.0–v2.4: a finished import must be cleared with DELETE before the next one. */
  importNeedsDelete: boolean;
  /** v6+: `PUT /api/settings/:key` sets one key. */
  perKeySettings: boolean;
  /** v6+: `overwrite` is split into `overwrite_userinfo` and `overwrite_subscription_status`. */
  splitOverwrite: boolean;
  /** v5+: `running` asked on a campaign with send_at stores `scheduled` (the reply says running). */
  runningWithSendAtSchedules: boolean;
  /** v2.1+: `GET /api/subscribers` reads every `list_id` given; v2.0 only the first. */
  manyListIdsPerQuery: boolean;
}

/** The feature set of a version. */
export function featuresOf(version: ListmonkVersion): ListmonkFeatures {
  return {
    tokenAuth: version.major >= 4,
    scheduleFromPaused: version.major >= 5,
    importNeedsDelete: version.major === 2 && version.minor <= 4,
    perKeySettings: version.major >= 6,
    splitOverwrite: version.major >= 6,
    runningWithSendAtSchedules: version.major >= 5,
    manyListIdsPerQuery: isAtLeast(version, 2, 1),
  };
}
