export { CONFIG_ERROR_CODES, ConfigError, type ConfigErrorCode } from './errors.js';
export {
  type ConfigFlags,
  DEFAULT_CONFIG_FILE,
  ENV_LISTMONK_INSTANCE,
  type LoadConfigOptions,
  type LoadedConfig,
  listmonkAuthHint,
  listmonkCredentialProblem,
  listmonkCredentialProblems,
  listmonkEnvName,
  loadConfig,
  parseConfig,
} from './load-config.js';
export { redactConfig } from './redact-config.js';
export { type Config, type ConfigInput, ConfigSchema, configJsonSchema } from './schema.js';
export { DEFAULT_STOP_ALARMS, type GuardConfig, type GuardGateConfig } from './sections/guard.js';
export {
  DEFAULT_SERVICE_LISTEN,
  ON_MISSED,
  type OnMissed,
  parseListenAddress,
  SERVICE_JOB_NAMES,
  type ServiceJobName,
} from './sections/service.js';
export {
  type DayRange,
  DEFAULT_DAILY_CEILING,
  DEFAULT_SENDING_HOURS,
  RAMP_PRESETS,
  type RampPreset,
  RUNBOOK_POOL_TABLE,
  type SendingIp,
  type WarmupConfig,
  type WarmupStreamConfig,
} from './sections/warmup.js';
