import { join } from 'node:path';
import { OpsError } from '../errors.js';
import type { CommandRunner } from '../exec/command-runner.js';
import { parseMasterCf } from '../postfix/parse-master-cf.js';
import type { WarmupState } from './plan-warmup.js';
import { planReadTransportMapsCommand } from './postfix-commands.js';
import { parseWarmupStamp } from './warmup-day.js';
import type { WarmupStart, WarmupStream } from './warmup-stream.js';

/** Reads a text file; injected so tests and the service choose where files come from. */
export type ReadTextFile = (path: string) => Promise<string>;

/** What {@link readWarmupState} reads through. */
export interface WarmupHost {
  runner: CommandRunner;
  readFile: ReadTextFile;
}

/** The warm-up start: the configured date, or the instant in the stamp file. */
export async function readWarmupStart(start: WarmupStart, readFile: ReadTextFile): Promise<string | Date> {
  if (typeof start === 'string') return start;
  let text: string;
  try {
    text = await readFile(start.stampFile);
  } catch (error) {
    throw new OpsError(
      'INVALID_STAMP',
      `cannot read warm-up stamp ${start.stampFile}: ${(error as Error).message}; create it with \`date +%s > ${start.stampFile}\` or set start to a date`,
      { cause: error },
    );
  }
  return parseWarmupStamp(text, start.stampFile);
}

/** Reads what warm-up planning needs from the host: the start, the current transport_maps, master.cf. */
export async function readWarmupState(stream: WarmupStream, host: WarmupHost): Promise<WarmupState> {
  const start = await readWarmupStart(stream.start, host.readFile);
  const read = planReadTransportMapsCommand(stream.postfix);
  const result = await host.runner.run(read.command, read.args);
  if (result.code !== 0) {
    throw new OpsError(
      'COMMAND_FAILED',
      `${read.command} ${read.args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || 'no output'}`,
    );
  }
  // main.cf may turn enforcement on for every transport at once.
  const enforce = await host.runner.run('postconf', [
    '-c',
    stream.postfix.configDir,
    '-h',
    'smtp_bind_address_enforce',
  ]);
  const bindEnforceDefault = enforce.code === 0 ? enforce.stdout.trim() || undefined : undefined;
  const path = join(stream.postfix.configDir, 'master.cf');
  const base = { start, transportMaps: result.stdout.trim(), bindEnforceDefault };
  try {
    return { ...base, masterCf: parseMasterCf(await host.readFile(path)) };
  } catch (error) {
    return { ...base, masterCfError: `${path}: ${(error as Error).message}` };
  }
}
