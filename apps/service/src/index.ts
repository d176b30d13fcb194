/**
 * `mailramp serve` (issue 23): one process that runs every job on schedule through the SDK, records
 * each run, serves the HTTP API, the metrics and the dashboard. Parts land here one by one.
 */
export {};
