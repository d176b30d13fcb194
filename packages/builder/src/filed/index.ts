export { createFiledLink, FILED_LINK_PATH, type FiledLinkTarget, readFiledLink } from './filed-link.js';
export { type MarkFiledResult, markFiled } from './mark-filed.js';
