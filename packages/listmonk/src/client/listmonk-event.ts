/** What the client reports while it works; apps decide what to print (libraries never print). */
export type ListmonkEvent =
  | { type: 'retry'; call: string; attempt: number; delayMs: number; reason: string }
  | { type: 'version'; version: string }
  | { type: 'import-waiting'; reason: 'foreign-import' | 'own-import'; status: string }
  | { type: 'import-progress'; imported: number; total: number; status: string }
  | { type: 'restart-waiting'; elapsedMs: number };
