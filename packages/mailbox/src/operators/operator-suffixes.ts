/**
 * Receiving operators by MX host suffix (DOMAIN.md §2). A suffix starting with `.` matches that
 * domain's subdomains; one without matches the host itself or its subdomains. Users extend this table
 * in config: Comcast, Charter, Cox and other ISPs need live MX data.
 */
export const OPERATOR_SUFFIXES = {
  google: ['.google.com', '.googlemail.com'],
  // Consumer (olc) and Microsoft 365 share one operator: caps and holds treat Microsoft as one.
  microsoft: ['.olc.protection.outlook.com', '.mail.protection.outlook.com', '.mx.microsoft', '.outlook.com'],
  // AT&T consumer MX (*.prodigy.net) is Yahoo-operated.
  yahoo: ['.yahoodns.net', '.prodigy.net'],
  apple: ['.icloud.com'],
  mimecast: ['.mimecast.com', '.mimecast.co.za', '.mimecast-offshore.com'],
  proofpoint: ['.pphosted.com', '.ppe-hosted.com'],
  barracuda: ['.barracudanetworks.com'],
  cisco: ['.iphmx.com'],
  godaddy: ['secureserver.net'],
  zoho: ['.zoho.com', '.zohomail.com'],
  rackspace: ['.emailsrvr.com'],
  fastmail: ['.messagingengine.com'],
  broadcom: ['.messagelabs.com'],
  comcast: ['.comcast.net'],
  charter: ['.charter.net'],
  centurylink: ['.centurylink.net'],
  windstream: ['.windstream.net'],
  tds: ['.tds.net'],
  earthlink: ['.earthlink.net'],
} as const satisfies Record<string, readonly string[]>;

/** Operator id → MX host suffixes. */
export type OperatorTable = Readonly<Record<string, readonly string[]>>;

/** The big-MX operators: the original's per-operator cap table gives them their own column. */
export const BIG_MX_OPERATORS = [
  'google',
  'microsoft',
  'proofpoint',
  'mimecast',
  'barracuda',
  'cisco',
  'broadcom',
] as const;

/** Consumer-MX operators held out of cold sends during warm-up alongside the big ones. */
export const CONSUMER_MX_OPERATORS = [
  'yahoo',
  'apple',
  'comcast',
  'charter',
  'centurylink',
  'windstream',
  'tds',
  'earthlink',
] as const;

/**
 * The warm-up exclusion set: big-MX operators plus consumer-MX operators, held out of cold sends
 * until warm-up day 30 (SEED-SYSTEM.md "Receiving operators"). MAIN_EXCLUDE_OPERATORS replaces it.
 */
export const WARMUP_EXCLUDE_OPERATORS = [...BIG_MX_OPERATORS, ...CONSUMER_MX_OPERATORS] as const;

/**
 * The domain exists and has no MX record but has an address (A/AAAA) record: mail goes to that host
 * (RFC 5321 §5.1 implicit MX). Mailable, under the cap of the operators with no column of their own.
 */
export const NO_MX = 'no_mx';
/** The domain does not exist (NXDOMAIN): every address at it hard-bounces. Never mailed. */
export const DOMAIN_NOT_FOUND = 'domain_not_found';
/** The domain publishes a null MX (RFC 7505, a single MX `.`): it accepts no mail. Never mailed. */
export const NULL_MX = 'null_mx';
/** The domain exists but has neither an MX nor an address (A/AAAA) record: no host to deliver to. Never mailed. */
export const NO_MAIL_HOST = 'no_mail_host';
/** mx_provider tags of domains that cannot receive mail: the build excludes their rows under that name. */
export const UNDELIVERABLE_MX = [DOMAIN_NOT_FOUND, NULL_MX, NO_MAIL_HOST] as const;
export type UndeliverableMx = (typeof UNDELIVERABLE_MX)[number];
/** The MX hosts belong to different operators (vanity domains mixing providers). */
export const MIXED_MX = 'mx:mixed';

/** Merges user additions into the shipped table (additions extend, never replace). */
export function extendOperatorTable(extra: Readonly<Record<string, readonly string[]>> = {}): OperatorTable {
  const table: Record<string, string[]> = {};
  for (const [id, suffixes] of Object.entries(OPERATOR_SUFFIXES)) table[id] = [...suffixes];
  for (const [id, suffixes] of Object.entries(extra)) {
    const list = table[id] ?? [];
    table[id] = list;
    for (const s of suffixes) {
      const suffix = s.trim().toLowerCase();
      if (suffix !== '' && !list.includes(suffix)) list.push(suffix);
    }
  }
  return table;
}
