import { describe, expect, it } from 'vitest';
import { BuilderError } from '../errors.js';
import { createTagVault } from './create-tag-vault.js';

describe('createTagVault', () => {
  it('swaps spans for same-length, whitespace-free placeholders and restores them byte for byte', () => {
    const text = 'a {{ .X }} b {{ if .Y\n  }}c{{ end }}';
    const vault = createTagVault();
    const spans = [
      { start: 2, end: 10 },
      { start: 13, end: 26 },
      { start: 27, end: 36 },
    ];
    const protectedText = vault.protect(text, spans);
    expect(protectedText.length).toBe(text.length);
    expect(protectedText).not.toContain('{{');
    expect(protectedText.slice(2, 10)).not.toMatch(/\s/);
    expect(vault.restore(protectedText)).toBe(text);
    expect(vault.present(protectedText)).toEqual(new Set([0, 1, 2]));
    expect(vault.present('a b')).toEqual(new Set());
  });

  it('numbers placeholders across texts', () => {
    const vault = createTagVault();
    const a = vault.protect('{{ .A }}', [{ start: 0, end: 8 }]);
    const b = vault.protect('{{ .B }}', [{ start: 0, end: 8 }]);
    expect(vault.restore(`${b}${a}`)).toBe('{{ .B }}{{ .A }}');
  });

  it('refuses text that already holds its reserved characters', () => {
    expect(() => createTagVault().protect('x\uE000', [])).toThrow(BuilderError);
  });

  it('refuses to restore a placeholder that was cut apart', () => {
    const vault = createTagVault();
    const p = vault.protect('{{ .Subscriber.Name }}', [{ start: 0, end: 22 }]);
    expect(() => vault.restore(p.slice(0, 5))).toThrow(/cut apart/);
  });
});
