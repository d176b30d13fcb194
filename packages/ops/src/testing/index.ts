export {
  createRecordingRunner,
  type RecordingRunner,
  type ScriptedResponse,
} from '../exec/command-runner.js';
export {
  type GeneratedFormat,
  type GeneratedTotals,
  type GenerateMailLogOptions,
  generateMailLog,
} from '../maillog/testing/generate-mail-log.js';
export { insertStopAlarm } from './insert-stop-alarm.js';
export { oneIpStream } from './one-ip-stream.js';
export {
  type FixtureDnsServer,
  type FixtureRecord,
  startFixtureDnsServer,
} from './start-fixture-dns-server.js';
export {
  openTwoInstanceHost,
  TWO_INSTANCE_HOST_FIXTURE,
  type TwoInstanceHost,
} from './two-instance-host.js';
