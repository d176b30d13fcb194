import { isIsoDate } from '@mailramp/builder';
import { InvalidArgumentError } from 'commander';

/**
 * Commander's parser for a `--date`-like option: a calendar date YYYY-MM-DD that exists, in the
 * years 2000–2199 (exit 2 otherwise, naming the option and the value).
 */
export function isoDateArgument(value: string): string {
  // Send times, warm-up days and holds are computed from it: a year like 9999 overflows JavaScript
  // dates (or a warm-up day of three million) long before it means anything.
  const year = /^\d{4}-/.test(value) ? Number(value.slice(0, 4)) : Number.NaN;
  if (year < 2000 || year > 2199) throw new InvalidArgumentError('expected a date in the years 2000–2199');
  if (!isIsoDate(value)) throw new InvalidArgumentError('expected a date YYYY-MM-DD that exists');
  return value;
}
