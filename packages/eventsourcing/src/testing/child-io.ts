import { writeSync } from 'node:fs';

/*
 * The child's side of {@link startChildProcess}: lines out, lines in, and a
 * main that reports its failure. Kept apart from the parent's side, which
 * pulls in `child_process`.
 */

/** One line to the parent, written synchronously so it is out before anything that follows (a SIGKILL included). */
export function say(line: string): void {
  writeSync(1, `${line}\n`);
}

/** Calls `handle` for every line the parent sends on stdin. */
export function onParentLine(handle: (line: string) => void): void {
  let buffered = '';
  process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) handle(line);
  });
}

/** Runs `main`, then exits 0; on failure prints the error to stderr and exits 1, so the parent sees why. */
export function runAsChild(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
