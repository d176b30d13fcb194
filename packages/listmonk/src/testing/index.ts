export {
  createListmonkStandIn,
  type Fault,
  type ImportErrorAt,
  type ListmonkStandIn,
  type RecordedRequest,
  type StandInOptions,
} from './create-listmonk-stand-in.js';
export {
  type ConnectedStandIn,
  catchListmonkError,
  createStandInKit,
  type StandInKit,
  type StartedStandIn,
} from './create-stand-in-kit.js';
export { parseTemplate, renderNodes, TemplateError } from './go-template.js';
export { MSG as LISTMONK_MESSAGES } from './messages.js';
export { type GoCsvResult, readGoCsv } from './read-go-csv.js';
export { DUMMY_SUBSCRIBER, renderMessage } from './render-message.js';
export { createRawApi, type RawReply } from './stand-in-fetch.js';
export type { StandInState } from './stand-in-state.js';
