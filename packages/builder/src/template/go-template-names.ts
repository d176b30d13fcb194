import { TEMPLATE_FUNCTIONS } from '@mailramp/listmonk';

/** "; did you mean TrackLink?" for a near miss, or how to write a build-time value instead. */
export function suggestFunction(name: string): string {
  let best: string | undefined;
  // Near misses only: one edit in a short name, two in a long one.
  let bestDistance = Math.min(2, Math.floor(name.length / 3)) + 1;
  for (const known of TEMPLATE_FUNCTIONS) {
    const d = distance(name.toLowerCase(), known.toLowerCase());
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best === undefined ? `; a build-time value is written {{ @${name} }}` : `; did you mean ${best}?`;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
