/** The tag a campaign template must hold exactly once: where the campaign body goes. */
export const CONTENT_PLACEHOLDER = '{{ template "content" . }}';

/** How many times a template holds `{{ template "content" . }}` (spacing as Listmonk allows). */
export function countContentPlaceholders(body: string): number {
  return body.match(/\{\{\s*template\s+"content"\s*\.\s*\}\}/g)?.length ?? 0;
}
