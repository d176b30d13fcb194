import { commandOf } from './run-cli.js';

/**
 * What an interruption leaves behind, by the command's words (the first pattern that matches);
 * a command whose answer depends on its options or progress says it with {@link onInterruptSay}.
 */
const AFTERMATH: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /^build\b/,
    're-run the same command: it resumes through its ledger, finding what Listmonk already scheduled instead of making it twice',
  ],
  [
    /^audience import\b/,
    'nothing was imported (an import commits the whole file in one transaction); run it again',
  ],
];

let said: string | undefined;

/**
 * Replaces what an interruption from now on leaves behind: a command calls it once its state
 * changed (the report stored: an interrupt only cuts its printing short).
 */
export function onInterruptSay(aftermath: string): void {
  said = aftermath;
}

/** Commands that stop on a signal themselves (a graceful stop), which this must not cut short. */
const OWN_HANDLERS = /^(serve|dev)\b/;

/**
 * On Ctrl-C (SIGINT) or SIGTERM, says what was interrupted and what that leaves behind, then exits
 * 130 (143) as a shell expects. Without it Node dies silently on the signal. The database rolls
 * an unfinished transaction back and the data-directory lock goes with the process.
 */
export function sayWhatAnInterruptLeaves(argv: readonly string[], stderr: (text: string) => void): void {
  const command = commandOf(argv);
  if (OWN_HANDLERS.test(command)) return;
  said = AFTERMATH.find(([pattern]) => pattern.test(command))?.[1];
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      stderr(`\nmailramp: ${command || 'mailramp'} interrupted (${signal})${said ? `: ${said}` : ''}\n`);
      process.exit(code);
    });
  }
}
