export {
  type FixtureDnsServer,
  type FixtureRecord,
  startFixtureDnsServer,
} from './start-fixture-dns-server.js';
