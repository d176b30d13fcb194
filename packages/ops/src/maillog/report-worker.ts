/**
 * Worker-thread entry of {@link summarizeMailLog}'s parallel path: reads one stretch of a log (a
 * whole file, or a byte range of a plain file starting and ending at line starts), counts it with a
 * report builder in part mode and posts the part back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type ReportPartTask, readReportPart } from './read-report-part.js';

const task = workerData as ReportPartTask;
readReportPart(task).then(
  (result) => parentPort!.postMessage({ ok: true, result }),
  (error: unknown) =>
    parentPort!.postMessage({
      ok: false,
      error:
        error instanceof Error
          ? { message: error.message, code: (error as { code?: string }).code }
          : String(error),
    }),
);
