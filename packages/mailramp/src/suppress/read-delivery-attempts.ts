import { resolve } from 'node:path';
import type { DeliveryAttempt } from '@mailramp/builder';
import type { MailLogReadEvent } from '../report/select-log-files.js';

/**
 * Reads the mail logs through the ops parser into plain delivery attempts, oldest rotation first;
 * unless `explicit`, each file's rotated siblings are read too.
 */
export async function readDeliveryAttempts(
  paths: readonly string[],
  options: {
    cwd: string;
    now: Date;
    explicit: boolean;
    onEvent?: ((event: MailLogReadEvent) => void) | undefined;
  },
): Promise<DeliveryAttempt[]> {
  const {
    createParseContext,
    listRotatedFiles,
    orderRotatedFiles,
    parseLogLine,
    readLogFiles,
    statLogFiles,
  } = await import('@mailramp/ops');
  const all: string[] = [];
  for (const p of paths) {
    const path = resolve(options.cwd, p);
    all.push(path, ...(options.explicit ? [] : await listRotatedFiles(path).catch(() => [])));
  }
  const files = await statLogFiles(orderRotatedFiles(all));
  options.onEvent?.({ type: 'files', files, bytes: files.reduce((sum, f) => sum + f.size, 0) });
  const parse = createParseContext(options.now);
  const attempts: DeliveryAttempt[] = [];
  await readLogFiles(
    files,
    (text) => {
      const line = parseLogLine(text, parse);
      if (line === undefined || line.event.kind !== 'delivery') return;
      const e = line.event;
      attempts.push({
        email: e.recipient,
        status: e.status,
        dsn: e.dsn,
        replyText: e.reply,
        // The log's wall clock, as written: good for counting days.
        at: new Date(line.time),
        relayHost: e.relayHost,
        id: e.qid,
      });
    },
    {
      onProgress: (p) =>
        options.onEvent?.({ type: 'progress', bytesRead: p.bytesRead, bytesTotal: p.bytesTotal }),
    },
  );
  return attempts;
}
