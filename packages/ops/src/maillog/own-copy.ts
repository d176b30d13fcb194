/**
 * A copy of a string that does not point into the text it was cut from. V8 keeps a substring of 13
 * characters or more as a view of its parent, so a host name cut from a megabyte chunk of the log
 * keeps the whole chunk alive; what outlives the chunk (map keys, samples, cached tags) is copied.
 *
 * @example
 * operators.set(ownCopy(host), operator);
 */
export function ownCopy(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}
