// Twin of packages/ops/assembly/maillog-kernel.ts (its loader and host functions): keep in step.
import { readFileSync } from 'node:fs';
import {
  COUNT_DAYS,
  COUNT_DKIM_MESSAGES,
  COUNT_DKIM_NOTIFICATIONS,
  COUNT_DKIM_SIGNED,
  COUNT_FIRST_DAY,
  COUNT_GROUPS,
  COUNT_LAST_DAY,
  COUNT_LINES_OUTSIDE,
  COUNT_LINES_PARSED,
  COUNT_LINES_TOTAL,
  DATE_RFC3339,
  DATE_SYSLOG,
  DAY_DKIM_MESSAGES,
  DAY_DKIM_NOTIFICATIONS,
  DAY_DKIM_SIGNED,
  DOMAINS_SENDER,
  DOMAINS_SIGNING,
  TAG_CLEANUP,
  TAG_MALFORMED,
  TAG_OPENDKIM,
  TAG_OTHER,
  TAG_POSTFIX,
  TAG_QMGR,
  TAG_SMTP,
} from './kernel-codes.js';
import {
  createParseContext,
  describeProgram,
  inferYear,
  type ParseContext,
  scanLogSpan,
} from './parse-log-line.js';
import { type LogFile, type ReadLogFilesOptions, readLogBytes } from './read-log-files.js';
import type { ReportBuilder, ScannedCounts } from './report-types.js';

/**
 * The WebAssembly mail-log scanner (packages/ops/assembly/maillog-kernel.ts, built by
 * packages/ops/scripts/build-kernel.mjs on `pnpm install`): most lines are counted in it without a
 * string being made, the rest come back here in order and go through `scanLogSpan` and the builder.
 */
interface KernelExports {
  memory: { buffer: ArrayBuffer };
  reset(since: number, until: number): void;
  beginFile(): void;
  reserveInput(size: number): number;
  scan(ptr: number, len: number): number;
  countOf(what: number): number;
  domainCount(which: number): number;
  domainPtr(which: number, id: number): number;
  domainLength(which: number, id: number): number;
  domainValue(which: number, id: number, field: number): number;
  groupLines(id: number): number;
  lineTimeOf(which: number): number;
  dayDkimOf(day: number, field: number): number;
}

/** A compiled WebAssembly module (this project's Node types do not declare WebAssembly). */
export type KernelModule = { readonly kind: 'maillog-kernel' };

/** The part of the WebAssembly global this file uses. */
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => KernelModule;
      Instance: new (module: KernelModule, imports: object) => { exports: unknown };
    };
  }
).WebAssembly;

/** Where `pnpm install` puts the compiled scanner. */
export const KERNEL_URL = new URL('../../dist/maillog-kernel.wasm', import.meta.url);

/** The class of a program tag, as `scanLogSpan` treats it. */
export function classifyProgramTag(program: string): number {
  const name = describeProgram(program);
  if (name === undefined) return TAG_MALFORMED;
  const { daemon } = name;
  if (!name.postfix) return daemon === 'opendkim' ? TAG_OPENDKIM : TAG_OTHER;
  if (name.silent) return TAG_OTHER;
  if (daemon === 'smtp') return TAG_SMTP;
  return daemon === 'qmgr' ? TAG_QMGR : daemon === 'cleanup' ? TAG_CLEANUP : TAG_POSTFIX;
}

let compiled: KernelModule | null | undefined;

/** The compiled scanner, or undefined when it was not built (the report then reads in TypeScript). */
export function loadScanKernel(): KernelModule | undefined {
  if (compiled === undefined) {
    try {
      compiled = new wasm.Module(readFileSync(KERNEL_URL));
    } catch {
      compiled = null;
    }
  }
  return compiled ?? undefined;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** One run of the scanner into a builder: bytes in, the builder's report out. */
export interface KernelScan {
  /** A new file: year-less stamps are read against its last write. */
  beginFile(mtime: Date): void;
  /** Scans `buffer[0, last]`, whole lines (`last` is the offset of a `\n`); returns how many. */
  scanBytes(buffer: Uint8Array, last: number): number;
  /** Gives the builder what the scanner counted itself; call once, after the last bytes. */
  finish(): void;
}

/**
 * Starts a scan into `builder` (made for the whole log, not in part mode): the same result as
 * scanning every line with `scanLogSpan` into `builder.addSpan`, in order.
 *
 * @example
 * const scan = createKernelScan(loadScanKernel()!, builder, {});
 * scan.beginFile(file.mtime);
 * scan.scanBytes(bytes, bytes.lastIndexOf(10));
 * scan.finish();
 * const report = builder.finish();
 */
export function createKernelScan(
  module: KernelModule,
  builder: ReportBuilder,
  window: { since?: number | undefined; until?: number | undefined },
): KernelScan {
  let ctx: ParseContext = createParseContext(new Date());
  const dates: string[] = [];
  let bytes: Buffer | undefined;
  let kernel: KernelExports | undefined;
  /** The kernel's memory as a Buffer, made anew when the memory grew. */
  const view = (): Buffer => {
    if (bytes === undefined || bytes.buffer !== kernel!.memory.buffer)
      bytes = Buffer.from(kernel!.memory.buffer);
    return bytes;
  };
  // As `readLogText` decodes: a line's bytes give the same string cut from their chunk's text.
  const decode = (ptr: number, len: number) => view().toString('utf8', ptr, ptr + len);
  const instance = new wasm.Instance(module, {
    env: {
      programClass: (ptr: number, len: number) => classifyProgramTag(decode(ptr, len)),
      newDay: (rfc: number, year: number, month: number, day: number) => {
        // As parse-log-line.ts writes them: an RFC 3339 date as written, an inferred year as a number.
        if (rfc === DATE_SYSLOG) year = inferYear(month, day, ctx.reference);
        dates.push(
          `${rfc === DATE_RFC3339 ? String(year).padStart(4, '0') : year}-${pad2(month)}-${pad2(day)}`,
        );
        return Date.UTC(year, month - 1, day);
      },
      handoff: (start: number, end: number, wantGroup: number) => {
        const line = decode(start, end - start);
        const facts = scanLogSpan(line, 0, line.length, ctx) ? ctx : undefined;
        return builder.addScannerSpan(line, 0, line.length, facts, wantGroup === 1);
      },
      hasPendingBind: (pid: number) => (builder.hasPendingBind(pid) ? 1 : 0),
    },
  });
  kernel = instance.exports as unknown as KernelExports;
  const k = kernel;
  k.reset(window.since ?? Number.NEGATIVE_INFINITY, window.until ?? Number.POSITIVE_INFINITY);
  return {
    beginFile(mtime) {
      // A year-less stamp belongs to the year that does not put it after the file's last write.
      ctx = createParseContext(mtime);
      k.beginFile();
    },
    scanBytes(buffer, last) {
      const ptr = k.reserveInput(last + 1);
      view().set(buffer.subarray(0, last + 1), ptr);
      return k.scan(ptr, last + 1);
    },
    finish() {
      builder.addScanned(readScanned(k, dates, decode));
    },
  };
}

/**
 * Reads log files oldest first, in one pass, into `builder` with the scanner (see
 * {@link createKernelScan}); returns the lines of each file.
 */
export async function readWithKernel(
  module: KernelModule,
  files: readonly LogFile[],
  builder: ReportBuilder,
  window: { since?: number | undefined; until?: number | undefined },
  options: ReadLogFilesOptions = {},
): Promise<number[]> {
  const scan = createKernelScan(module, builder, window);
  const lines: number[] = [];
  await readLogBytes(
    files,
    (buffer, last) => {
      lines[lines.length - 1]! += scan.scanBytes(buffer, last);
    },
    {
      ...options,
      onFile: (file) => {
        scan.beginFile(file.mtime);
        lines.push(0);
        options.onFile?.(file);
      },
    },
  );
  scan.finish();
  return lines;
}

/** What the kernel counted, in the builder's terms. */
function readScanned(
  kernel: KernelExports,
  dates: readonly string[],
  decode: (ptr: number, len: number) => string,
): ScannedCounts {
  const domains = (which: number) =>
    Array.from({ length: kernel.domainCount(which) }, (_, id) => ({
      domain: decode(kernel.domainPtr(which, id), kernel.domainLength(which, id)),
      first: kernel.domainValue(which, id, 0),
      second: kernel.domainValue(which, id, 1),
    }));
  const firstDay = kernel.countOf(COUNT_FIRST_DAY);
  const lastDay = kernel.countOf(COUNT_LAST_DAY);
  const dkimByDay: ScannedCounts['dkimByDay'] = [];
  for (let day = 0; day < kernel.countOf(COUNT_DAYS); day++) {
    const counts = {
      signed: kernel.dayDkimOf(day, DAY_DKIM_SIGNED),
      messages: kernel.dayDkimOf(day, DAY_DKIM_MESSAGES),
      notifications: kernel.dayDkimOf(day, DAY_DKIM_NOTIFICATIONS),
    };
    if (counts.signed + counts.messages + counts.notifications > 0) dkimByDay.push([dates[day]!, counts]);
  }
  return {
    lines: {
      total: kernel.countOf(COUNT_LINES_TOTAL),
      parsed: kernel.countOf(COUNT_LINES_PARSED),
      outsideWindow: kernel.countOf(COUNT_LINES_OUTSIDE),
    },
    firstLine: firstDay < 0 ? undefined : dates[firstDay],
    lastLine: lastDay < 0 ? undefined : dates[lastDay],
    firstTime: firstDay < 0 ? undefined : kernel.lineTimeOf(0),
    lastTime: lastDay < 0 ? undefined : kernel.lineTimeOf(1),
    dkim: {
      signed: kernel.countOf(COUNT_DKIM_SIGNED),
      messages: kernel.countOf(COUNT_DKIM_MESSAGES),
      notifications: kernel.countOf(COUNT_DKIM_NOTIFICATIONS),
    },
    dkimByDay,
    signingDomains: domains(DOMAINS_SIGNING).map((d) => [d.domain, d.first]),
    senderDomains: domains(DOMAINS_SENDER).map((d) => [d.domain, { messages: d.first, signed: d.second }]),
    groupLines: Array.from({ length: kernel.countOf(COUNT_GROUPS) }, (_, id) => kernel.groupLines(id)),
  };
}
