/** A sending IP of the rampcap tests' warm-up streams: 207.174.124.n on ens18, transport out<n>. */
export const ip = (n: number) => ({
  address: `207.174.124.${n}`,
  prefix: 23,
  interface: 'ens18',
  transport: `out${n}`,
  helo: `mta${n}.example.net`,
});

/** `rampcap hold` of trucking at 200/h through June 24. */
export const HOLD_200 = ['hold', '--stream', 'trucking', '--rate', '200', '--until', '2026-06-24'];
