import { BuilderError } from '../errors.js';
import type { Vertical } from '../segments/default-segments.js';
import type { RowPlan } from './import-summary.js';
import { isNpi } from './plan-provider-row.js';
import type { CsvRecord } from './read-csv-records.js';
import { findColumn, readEmail, shapeProblem, textAt } from './read-fields.js';
import { mapVerifyResult, type VerifyResult } from './verify-results.js';

/** One enrichment row: a recipient key and its address. */
export interface EmailRow {
  line: number;
  key: string | number;
  email: string;
}

/** One verifier row: an address and its mapped result. */
export interface VerificationRow {
  line: number;
  email: string;
  result: VerifyResult;
}

/** The header names `import emails` and `import verification` recognise (case and spacing aside). */
export const CONTACT_COLUMNS = {
  key: {
    trucking: ['dot_number', 'usdot', 'usdot_number', 'dot'],
    healthcare: ['npi'],
  } as Readonly<Record<Vertical, readonly string[]>>,
  email: ['email', 'email_address', 'e-mail'],
  result: ['email_verify_result', 'result', 'status', 'verify_result', 'verification', 'reason'],
} as const;
const KEY_NAMES = CONTACT_COLUMNS.key;
const EMAIL_NAMES = CONTACT_COLUMNS.email;
const RESULT_NAMES = CONTACT_COLUMNS.result;

function required(header: readonly string[], names: readonly string[], what: string): number {
  const i = findColumn(header, names);
  if (i === undefined) {
    throw new BuilderError(
      'AUDIENCE_INPUT_INVALID',
      `the header has no ${what} column (one of ${names.join(', ')}); it starts ${header.slice(0, 4).join(',')}`,
    );
  }
  return i;
}

/** A row planner for `import emails`: key → address. Throws on a header without both columns. */
export function createEmailRowPlanner(
  header: readonly string[],
  vertical: Vertical,
): (record: CsvRecord) => RowPlan<EmailRow> {
  const keyAt = required(header, KEY_NAMES[vertical], vertical === 'trucking' ? 'USDOT number' : 'NPI');
  const emailAt = required(header, EMAIL_NAMES, 'e-mail');
  return (record) => {
    const line = record.line;
    const shape = shapeProblem(record, header.length);
    if (shape !== undefined) return { ok: false, problem: shape };
    const keyText = textAt(record, keyAt) ?? '';
    const keyOk = vertical === 'trucking' ? /^\d{1,8}$/.test(keyText) && Number(keyText) > 0 : isNpi(keyText);
    if (!keyOk) return { ok: false, problem: { line, reason: 'bad_key', detail: `"${keyText}"` } };
    const raw = textAt(record, emailAt);
    const email = readEmail(raw);
    if (email === null || email === undefined) {
      return {
        ok: false,
        problem: { line, reason: 'bad_email', detail: `"${raw ?? ''}" is not one e-mail address` },
      };
    }
    return { ok: true, row: { line, key: vertical === 'trucking' ? Number(keyText) : keyText, email } };
  };
}

/** A row planner for `import verification`: address → verifier result. */
export function createVerificationRowPlanner(
  header: readonly string[],
): (record: CsvRecord) => RowPlan<VerificationRow> {
  const emailAt = required(header, EMAIL_NAMES, 'e-mail');
  const resultAt = required(header, RESULT_NAMES, 'verification result');
  return (record) => {
    const line = record.line;
    const shape = shapeProblem(record, header.length);
    if (shape !== undefined) return { ok: false, problem: shape };
    const raw = textAt(record, emailAt);
    const email = readEmail(raw);
    if (email === null || email === undefined) {
      return {
        ok: false,
        problem: { line, reason: 'bad_email', detail: `"${raw ?? ''}" is not one e-mail address` },
      };
    }
    const text = textAt(record, resultAt) ?? '';
    const result = mapVerifyResult(text);
    if (result === undefined) {
      return {
        ok: false,
        problem: { line, reason: 'unknown_result', detail: `"${text}" is not a known verifier result` },
      };
    }
    return { ok: true, row: { line, email, result } };
  };
}
