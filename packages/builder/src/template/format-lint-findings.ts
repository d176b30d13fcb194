import type { LintFinding } from './lint-rules.js';

/** Output formats of `mailramp lint`. */
export const LINT_FORMATS = ['text', 'json', 'github'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

/**
 * Formats findings for people (`text`: `file:line:col  severity  message  [rule]`), for scripts
 * (`json`: an array of `{file, line, column, rule, severity, message}`) or for GitHub Actions
 * (`github`: `::error file=…,line=…,col=…,title=…::message` workflow commands).
 */
export function formatLintFindings(findings: readonly LintFinding[], format: LintFormat): string {
  const sorted = [...findings].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule),
  );
  if (format === 'json') {
    return `${JSON.stringify(
      sorted.map(({ file, line, column, rule, severity, message }) => ({
        file,
        line,
        column,
        rule,
        severity,
        message,
      })),
      null,
      2,
    )}\n`;
  }
  if (format === 'github') {
    return sorted
      .map(
        (f) =>
          `::${f.severity} file=${property(f.file)},line=${f.line},col=${f.column},title=${property(`mailramp lint (${f.rule})`)}::${data(f.message)}\n`,
      )
      .join('');
  }
  return sorted
    .map((f) => `${f.file}:${f.line}:${f.column}  ${f.severity}  ${f.message}  [${f.rule}]\n`)
    .join('');
}

// GitHub workflow command escaping: data escapes %, CR, LF; properties also : and ,.
function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
