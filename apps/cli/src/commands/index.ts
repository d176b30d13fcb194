import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerAudienceCommands } from './audience.js';
import { registerBackfillCommands } from './backfill.js';
import { registerBuildCommands } from './build.js';
import { registerConfigCommands } from './config.js';
import { registerDbCommands } from './db.js';
import { registerDevCommands } from './dev.js';
import { registerListmonkCommands } from './listmonk.js';
import { registerOpsHealthCommands } from './ops-health.js';
import { registerOpsHoldMapCommands } from './ops-hold-map.js';
import { registerOpsRampcapCommands } from './ops-rampcap.js';
import { registerOpsReportCommands } from './ops-report.js';
import { registerOpsWarmupCommands } from './ops-warmup.js';
import { registerSuppressCommands } from './suppress.js';
import { registerTemplateCommands } from './templates.js';

/** Every command group, in the order `--help` lists them. Add one line per group. */
export const COMMAND_GROUPS: ReadonlyArray<(program: Command, ctx: CliContext) => void> = [
  registerDbCommands,
  registerConfigCommands,
  registerBackfillCommands,
  registerListmonkCommands,
  registerOpsWarmupCommands,
  registerOpsHealthCommands,
  registerOpsRampcapCommands,
  registerOpsHoldMapCommands,
  registerOpsReportCommands,
  registerDevCommands,
  registerAudienceCommands,
  registerSuppressCommands,
  registerTemplateCommands,
  registerBuildCommands,
];
