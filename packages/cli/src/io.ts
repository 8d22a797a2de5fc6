import { AsyncLocalStorage } from 'node:async_hooks';
import type { Readable, Writable } from 'node:stream';

/**
 * The streams one run of `thidua` talks to. The bin passes the process's own;
 * a test or a host embedding the CLI passes its own, to capture what a run
 * prints and to feed `-` (stdin) without a child process.
 */
export interface CliIo {
  /** Data: standings, exports, trails, results. */
  readonly stdout: Writable;
  /** Everything else: errors, progress, summaries. A terminal here gets progress bars (`isTTY`). */
  readonly stderr: Writable & { isTTY?: boolean };
  /** Read by `exec -` and `import -`. */
  readonly stdin: Readable;
}

/** The process's own streams: what the installed bin uses. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}

/*
 * The streams of the run in progress, found through the async call chain
 * rather than passed down every function: two runs in one process (tests
 * run several at once) never see each other's streams, and the command
 * modules keep plain `printData` / `printInfo` calls.
 */
const current = new AsyncLocalStorage<CliIo>();

/** Runs `work` with `io` as the streams every print of this run goes to. */
export function runWithIo<T>(io: CliIo, work: () => Promise<T>): Promise<T> {
  return current.run(io, work);
}

/** The streams of the current run; the process's own outside of one. */
export function currentIo(): CliIo {
  return current.getStore() ?? processIo();
}
