export {
  checkDkimKey,
  classifyDkimRecord,
  type DkimKeyCheck,
  MIN_RSA_BITS,
  parseDkimRecord,
} from './dns/check-dkim-key.js';
export { checkDmarc, type DmarcCheck } from './dns/check-dmarc.js';
export {
  type CheckDnsOptions,
  checkDns,
  type DnsFinding,
  type DnsReport,
  type DnsTarget,
  planDnsFindings,
} from './dns/check-dns.js';
export { checkDnsblZone, type DnsblLookup, type DnsblZoneHealth, lookupDnsbl } from './dns/check-dnsbl.js';
export { checkFcrdns, type FcrdnsCheck } from './dns/check-fcrdns.js';
export { checkSpf, type SpfCheck, type SpfResult } from './dns/check-spf.js';
export {
  createDnsResolver,
  type DnsRecordType,
  type DnsResolver,
  type DnsResolverOptions,
} from './dns/create-dns-resolver.js';
export {
  classifyDnsblAnswer,
  DEFAULT_DNSBL_ZONES,
  type DnsblAnswer,
  type DnsblZone,
  dnsblQueryName,
} from './dns/dnsbl-zones.js';
export { OPS_ERROR_CODES, OpsError, type OpsErrorCode } from './errors.js';
export * from './exec/index.js';
export {
  type AddressHook,
  type InterfaceStanza,
  type ParsedInterfaces,
  parseAddressHooks,
  parseInterfaces,
} from './health/parse-interfaces.js';
export { type BoundAddress, parseIpAddrJson } from './health/parse-ip-addr-json.js';
export {
  type BootFinding,
  type BootFix,
  type MasterCfView,
  type PoolIp,
  planBootFindings,
} from './health/plan-boot-findings.js';
export { planRebind, type RebindPlan } from './health/plan-rebind.js';
export {
  type InterfacesConfig,
  type ReadInterfacesOptions,
  readInterfaces,
} from './health/read-interfaces.js';
export { renderWatchdogUnits, type WatchdogUnits } from './health/render-watchdog-units.js';
export {
  runWatchdog,
  type WatchdogAction,
  type WatchdogOptions,
  type WatchdogResult,
  type WatchdogStatus,
} from './health/run-watchdog.js';
export { BIND_FAILURE, type MailLogPosition, type MailLogScan, scanMailLog } from './health/scan-mail-log.js';
export { readWatchdogState, type WatchdogState, writeWatchdogState } from './health/watchdog-state.js';
export * from './maillog/index.js';
export {
  listTransportProblems,
  type MasterCfFix,
  renderTransportEntry,
  type TransportBinding,
  type TransportCheckOptions,
  type TransportProblem,
} from './postfix/list-transport-problems.js';
export {
  type MasterCfProblem,
  type MasterCfService,
  type ParsedMasterCf,
  parseMasterCf,
} from './postfix/parse-master-cf.js';
export { applyHoldMap, type HoldMapApplied, notOwnTable } from './warmup/apply-hold-map.js';
export { applyRampCap, type RampCapApplied, type RampSettingsClient } from './warmup/apply-ramp-cap.js';
export { applyWarmup, type WarmupApplied } from './warmup/apply-warmup.js';
export { createRampSettingsClient, type RampListmonkClient } from './warmup/create-ramp-settings-client.js';
export { type DayRange, dayTableValue, getHourlyCap, getPoolSize } from './warmup/day-table.js';
export {
  createHoldsRepository,
  type HoldChange,
  type HoldsRepository,
  type RampHold,
} from './warmup/holds-repository.js';
export {
  DEFAULT_HOLD_FAMILIES,
  HOLD_MAP_BEGIN,
  HOLD_MAP_END,
  type HoldMapConflict,
  type HoldMapEntry,
  planHoldMap,
  planHoldMapFile,
  renderHoldMap,
} from './warmup/plan-hold-map.js';
export { type PlanPoolInput, type PoolPlan, planPool, type SendingIp } from './warmup/plan-pool.js';
export {
  goDurationMs,
  listRampSettingChanges,
  planRampCap,
  planRampSettings,
  RAMP_SETTING_KEYS,
  type RampCapPlan,
  type RampSettings,
} from './warmup/plan-ramp-cap.js';
export {
  type ParsedTransportMaps,
  type PlanTransportMapsInput,
  parseTransportMaps,
  planTransportMaps,
  sameTransportMaps,
} from './warmup/plan-transport-maps.js';
export { planWarmup, type WarmupPlan, type WarmupState } from './warmup/plan-warmup.js';
export { planReadTransportMapsCommand, planSetTransportMapsCommands } from './warmup/postfix-commands.js';
export {
  type ReadTextFile,
  readWarmupStart,
  readWarmupState,
  type WarmupHost,
} from './warmup/read-warmup-state.js';
export {
  type RampCapEvent,
  type RampCapInstanceOutcome,
  type RampCapStreamResult,
  type RunRampCapOptions,
  runRampCap,
} from './warmup/run-ramp-cap.js';
export { type DateLike, parseWarmupStamp, toUtcDate, warmupDay } from './warmup/warmup-day.js';
export type { StreamPostfix, WarmupStart, WarmupStream } from './warmup/warmup-stream.js';
