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
export {
  type CommandCall,
  type CommandResult,
  type CommandRunner,
  createProcessRunner,
  createRecordingRunner,
  type ProcessRunnerOptions,
  type RecordingRunner,
  type ScriptedResponse,
} from './exec/command-runner.js';
export {
  assertSafeCommand,
  cidrArg,
  hostnameArg,
  interfaceArg,
  ipArg,
  ipv4Arg,
  prefixArg,
  transportArg,
} from './exec/safe-args.js';
