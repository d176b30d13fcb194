export { type AppliedLinksRepair, applyLinksRepair } from './apply-links-repair.js';
export {
  assertLinksTable,
  findMalformedLinks,
  type LinkRepair,
  type LinksRepairPlan,
  type ListmonkDatabase,
  type ListmonkLinksTables,
} from './find-malformed-links.js';
export { LINKS_BACKUP_PREFIX, linksBackupTableNameOf } from './links-repair-name.js';
export { type LinksRepair, listLinksRepairs } from './list-links-repairs.js';
export { repairLinkUrl } from './repair-link-url.js';
export { type RevertedLinksRepair, revertLinksRepair } from './revert-links-repair.js';
