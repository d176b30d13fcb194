export { openTestMailramp, type TestMailramp } from './open-test-mailramp.js';
