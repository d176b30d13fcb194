/**
 * Tests only: a warm-up stream on one sending IP (203.0.113.10 on eth0, transport out01), as
 * `warmup.streams.<name>` holds it in a config.
 */
export function oneIpStream(options: { start: string | { stampFile: string }; listmonk?: string[] }) {
  return {
    start: options.start,
    ips: [
      {
        address: '203.0.113.10',
        prefix: 24,
        interface: 'eth0',
        transport: 'out01',
        helo: 'mta01.example.net',
      },
    ],
    listmonk: options.listmonk ?? [],
  };
}
