import type { Database, JsonObject } from '@mailramp/db';
import type { Kysely } from 'kysely';
import type { Vertical } from '../segments/default-segments.js';

/** The checks of the pre-flight gate (issue 24 §1), in the order a verdict lists them. */
export const GATE_CHECKS = [
  'dkim', // DKIM signatures vs campaign messages over the last 24 h
  'ips_bound', // every pool IP of the stream bound on its interface
  'bind_failures', // no recent "Cannot assign requested address" alarm for the pool
  'alarms', // no open critical (STOP) alarm or guard incident for the stream or host-wide
  'spf', // the envelope domain's SPF still passes every pool IP
  'queue', // the Postfix queue is not exploding
  'volume', // today's sends within the stream's ramp
] as const;

/** One check of the gate. */
export type GateCheckId = (typeof GATE_CHECKS)[number];

/** One check's outcome: `fail` refuses the build; `not_judged` (too little data, nothing configured) does not. */
export interface GateCheck {
  id: GateCheckId;
  status: 'pass' | 'fail' | 'not_judged';
  /** In words, for people: what was seen and, on `fail`, what to do. */
  message: string;
  /** The figures the decision was made from (counts, IPs, alarm ids, records). */
  evidence: JsonObject;
}

/** What the gate decided, with every check's evidence. */
export interface GateVerdict {
  /** True when no check failed. */
  ok: boolean;
  checks: GateCheck[];
  checkedAt: Date;
}

/** What the gate is asked about: the build about to push. */
export interface GateRequest {
  vertical: Vertical;
  /** Build date (UTC). */
  date: string;
  warmupDay: number;
  /** The warm-up stream feeding the vertical's Listmonk, when one is configured. */
  stream?: { name: string; hourlyCap: number; sendingHours: number } | undefined;
  /** Recipients the build is about to push (planned plus resumed). */
  recipients: number;
}

/**
 * "Is sending healthy?" — asked by a live build after planning and before it pushes anything to
 * Listmonk. The builder declares it; ops implements it from the stored report results and live
 * probes; the SDK wires the two (the builder never imports ops).
 */
export interface PreflightGate {
  /** Reads stored results through `db`: the build's own connection (embedded PGlite has only one). */
  check(request: GateRequest, db: Kysely<Database>): Promise<GateVerdict>;
}

/** Who overrode a failing gate, and why (recorded in build_runs.options and the build's output). */
export interface GateOverride {
  by: string;
  reason: string;
}

/** The failed checks of a verdict, one line each, for messages. */
export function describeFailedChecks(verdict: GateVerdict): string[] {
  return verdict.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.message}`);
}
