/**
 * The numbers the WebAssembly scanner (packages/ops/assembly/maillog-kernel.ts) and its TypeScript
 * side (scan-kernel.ts) pass each other, named once: both import this file. AssemblyScript compiles
 * it too, so it holds only untyped integer constants (i32 there, number here) and no imports.
 */

// The class of a program tag: `programClass` returns one (scan-kernel.ts `classifyProgramTag`).
/** Not a program tag the parser reads: the line is malformed. */
export const TAG_MALFORMED = -1;
/** A program or silent Postfix daemon the report only counts. */
export const TAG_OTHER = 0;
export const TAG_QMGR = 1;
export const TAG_CLEANUP = 2;
/** Any other Postfix daemon. */
export const TAG_POSTFIX = 3;
export const TAG_OPENDKIM = 4;
/** Postfix's `smtp` daemon: its deliveries to a remote host are egress. */
export const TAG_SMTP = 5;

// What `countOf(what)` returns.
export const COUNT_LINES_TOTAL = 0;
export const COUNT_LINES_PARSED = 1;
export const COUNT_LINES_OUTSIDE = 2;
export const COUNT_DKIM_SIGNED = 3;
export const COUNT_DKIM_MESSAGES = 4;
export const COUNT_DKIM_NOTIFICATIONS = 5;
/** The day id (order of `newDay` calls) of the first parsed line, or -1. */
export const COUNT_FIRST_DAY = 6;
export const COUNT_LAST_DAY = 7;
/** How many sent-delivery groups `groupLines(id)` can be asked for. */
export const COUNT_GROUPS = 8;
/** How many day ids `newDay` gave (what `dayDkimOf(day, …)` can be asked for). */
export const COUNT_DAYS = 9;

// The `field` of `dayDkimOf(day, field)`: DKIM events counted on a day.
export const DAY_DKIM_SIGNED = 0;
export const DAY_DKIM_MESSAGES = 1;
export const DAY_DKIM_NOTIFICATIONS = 2;

// The `which` of `domainCount`, `domainPtr`, `domainLength`, `domainValue`.
export const DOMAINS_SIGNING = 0;
export const DOMAINS_SENDER = 1;

// The `rfc` argument of `newDay`.
export const DATE_SYSLOG = 0;
export const DATE_RFC3339 = 1;

// The result of `handoff`: bit flags, and above them 1 + the id of the line's sent group (or 0).
export const HANDOFF_PARSED = 1;
export const HANDOFF_BIND_PENDING = 2;
export const HANDOFF_GROUP_SHIFT = 2;
