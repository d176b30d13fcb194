import { describe, expect, it } from 'vitest';
import { parseListmonkVersion } from '../client/listmonk-version.js';
import { rewriteTrackLinks } from './rewrite-track-links.js';

// LISTMONK.md "Template language" rule 1, checked against regTplFuncs at each tag of knadh/listmonk:
// v2.0.0 models/models.go:96 (quoted literals, " or `), v2.1.0 models/models.go:93 (catch-all, from
// d2cf6e0f #667, until v4.1.0), v5.0.0 models/models.go:104 (the catch-all in a Go raw string:
// `\\s` is a literal backslash), v5.0.1 models/models.go:104 (double-quoted literals, 4da91a0e #2448).
describe('rewriteTrackLinks per version', () => {
  it.each([
    ['v2.0.0', '{{ TrackLink "https://a.example/x" }}', '{{ TrackLink "https://a.example/x" . }}'],
    ['v2.0.0', '{{ TrackLink `https://a.example/x` }}', '{{ TrackLink "https://a.example/x" . }}'],
    ['v2.0.0', '{{ TrackLink .X }}', '{{ TrackLink .X }}'],
    ['v2.1.0', '{{ TrackLink .X }}', '{{ TrackLink .X . }}'],
    ['v4.1.0', '{{ TrackLink .X . }}', '{{ TrackLink .X . . }}'],
    ['v5.0.0', '{{ TrackLink "https://a.example/x" }}', '{{ TrackLink "https://a.example/x" }}'],
    ['v5.0.0', '{{TrackLink "https://a.example/x"}}', '{{ TrackLink  "https://a.example/x" . }}'],
    ['v5.0.1', '{{ TrackLink "https://a.example/x" }}', '{{ TrackLink "https://a.example/x" . }}'],
    ['v5.0.1', '{{ TrackLink .X }}', '{{ TrackLink .X }}'],
  ])('%s: %s → %s', (version, source, expected) => {
    expect(rewriteTrackLinks(source, parseListmonkVersion(version)!)).toBe(expected);
  });
});
