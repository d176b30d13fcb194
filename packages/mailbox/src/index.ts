export {
  type BlockedReason,
  createDomainFamilies,
  type DomainFamilies,
  type DomainFamiliesOptions,
} from './families/create-domain-families.js';
export { DOMAIN_FAMILIES, FAMILY_IDS, FAMILY_OPERATORS, type FamilyId } from './families/domain-families.js';
export { domainOf, normalizeEmail } from './families/domain-of.js';
export { classifyMxHosts, mxSuffixOf, operatorOfHost } from './operators/classify-mx-hosts.js';
export {
  createMxClassifier,
  type MxClassification,
  type MxClassifier,
  type MxClassifierOptions,
  type MxRecord,
} from './operators/create-mx-classifier.js';
export {
  BIG_MX_OPERATORS,
  CONSUMER_MX_OPERATORS,
  DOMAIN_NOT_FOUND,
  extendOperatorTable,
  MIXED_MX,
  NO_MAIL_HOST,
  NO_MX,
  NULL_MX,
  OPERATOR_SUFFIXES,
  type OperatorTable,
  UNDELIVERABLE_MX,
  type UndeliverableMx,
  WARMUP_EXCLUDE_OPERATORS,
} from './operators/operator-suffixes.js';
