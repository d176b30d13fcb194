export * from './create-tag-vault.js';
export * from './go-template-names.js';
export * from './parse-template-file.js';
export * from './render-altbody.js';
export * from './render-template.js';
export * from './scan-template-tags.js';
